package dev.sentinel.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.sentinel.yaml.DurationText;
import java.time.Duration;

/** At most {@code limit} requests in any {@code window} (a sliding window, not fixed slots). */
public record RequestRate(int limit, Duration window) {
    /** Keeps every adapter's state small: a sliding log holds one timestamp per admitted request. */
    public static final int MAX_LIMIT = 1000;

    public RequestRate {
        requireNonNull(window, "window is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a rate limit allows 1 to " + MAX_LIMIT + " requests, not " + limit);
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(
                    "a rate-limit window lasts 1s to 24h, not " + DurationText.format(window));
        }
    }

    @Override
    public String toString() {
        return limit + " per " + DurationText.format(window);
    }
}
