package dev.sentinel.local.notify;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How hard {@link WebhookNotifier} tries. One call of {@code notify} or {@code flush} spends at most
 * {@code budget}; each HTTP attempt waits at most {@code attemptTimeout} for an answer; after the n-th
 * failed attempt the next one waits {@code baseDelay × 2^(n-1)}, capped at {@code maxDelay}, of which a
 * random part in the upper half is used (jitter, so many senders do not retry in step). An event that
 * failed {@code maxAttempts} times is given up.
 */
public record WebhookRetries(
        Duration budget, Duration attemptTimeout, Duration baseDelay, Duration maxDelay, int maxAttempts) {
    private static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(10);
    private static final int DEFAULT_MAX_ATTEMPTS = 12;

    public WebhookRetries {
        requirePositive(budget, "budget");
        requirePositive(attemptTimeout, "attemptTimeout");
        requirePositive(baseDelay, "baseDelay");
        requirePositive(maxDelay, "maxDelay");
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than baseDelay " + baseDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
    }

    /**
     * The defaults within {@code budget}: attempts time out after 2 s (or the budget, if shorter), the
     * delays start at 1 s and stop growing at 10 minutes, and an event is given up after 12 attempts
     * (about 40 minutes of trying when commands run often enough to retry).
     */
    public static WebhookRetries within(Duration budget) {
        requirePositive(budget, "budget");
        Duration timeout = budget.compareTo(DEFAULT_ATTEMPT_TIMEOUT) < 0 ? budget : DEFAULT_ATTEMPT_TIMEOUT;
        return new WebhookRetries(budget, timeout, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MAX_ATTEMPTS);
    }

    /** The wait after {@code failedAttempts} failed attempts (1 for the first failure). */
    Duration delayAfter(int failedAttempts, RandomGenerator random) {
        long cap = maxDelay.toMillis();
        long full = Math.min(cap, Math.max(1, baseDelay.toMillis()));
        for (int n = 1; n < failedAttempts && full < cap; n++) {
            full = Math.min(cap, full * 2);
        }
        long half = full / 2;
        return Duration.ofMillis(full - half + random.nextLong(half + 1));
    }

    private static void requirePositive(Duration value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
