package dev.sentinel.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A rate limiter's answer. A refused request carries how long until one more would be admitted, at
 * least one second (HTTP's {@code Retry-After} counts whole seconds).
 */
public record Admission(boolean admitted, Duration retryAfter) {
    public static final Admission ADMITTED = new Admission(true, Duration.ZERO);

    public Admission {
        requireNonNull(retryAfter, "retryAfter is null");
        if (!admitted && retryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            retryAfter = Duration.ofSeconds(1);
        }
    }

    public static Admission refused(Duration retryAfter) {
        return new Admission(false, retryAfter);
    }

    /** The value of a {@code Retry-After} header: whole seconds, rounded up. */
    public long retryAfterSeconds() {
        long seconds = retryAfter.getSeconds();
        return retryAfter.getNano() > 0 ? seconds + 1 : seconds;
    }
}
