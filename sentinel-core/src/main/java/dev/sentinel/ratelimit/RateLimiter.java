package dev.sentinel.ratelimit;

import java.time.Instant;

/**
 * Port: counts requests per key (a caller's ARN) in a sliding window. Implementations never fail open:
 * when they cannot count, they throw, and the request is refused.
 */
public interface RateLimiter {
    /**
     * Admits the request made at {@code now} and counts it, or refuses it without counting it.
     *
     * @throws dev.sentinel.error.SentinelException STATE_STORE_UNAVAILABLE when the count cannot be read
     *     or written
     */
    Admission admit(String key, Instant now);
}
