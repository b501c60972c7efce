package dev.sentinel.breakglass;

import java.time.Duration;

/**
 * Limits on invoking break-glass, counted durably in the store. Null fields do not limit.
 * {@code cooldown}: time since the user's last event on the profile. {@code maxPerUser} and
 * {@code maxPerProfile}: events within {@code window}. {@code escalationThreshold}: when the user already
 * has this many events within {@code window}, the next one is flagged and notified, not blocked.
 */
public record RateLimit(
        Duration cooldown, Integer maxPerUser, Integer maxPerProfile, Duration window, Integer escalationThreshold) {
    public RateLimit {
        if (cooldown == null && maxPerUser == null && maxPerProfile == null && escalationThreshold == null) {
            throw new IllegalArgumentException("a rate limit needs at least one limit");
        }
        if ((maxPerUser != null || maxPerProfile != null || escalationThreshold != null)
                && (window == null || window.isZero() || window.isNegative())) {
            throw new IllegalArgumentException("quotas and escalation need a positive window");
        }
    }
}
