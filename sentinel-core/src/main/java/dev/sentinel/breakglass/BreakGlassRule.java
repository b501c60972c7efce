package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.NameSet;
import dev.sentinel.policy.TimeCondition;
import java.time.Duration;
import java.util.Set;

/**
 * Who may invoke break-glass on which profiles, and under which limits. {@code profiles} null means any
 * profile; {@code reasonCodes} empty means any code; {@code time} null means any time; {@code mfa} and
 * {@code rateLimit} null mean none. {@code maxDuration} is at most four hours.
 */
public record BreakGlassRule(
        String name,
        NameSet profiles,
        NameSet users,
        Set<ReasonCode> reasonCodes,
        TimeCondition time,
        Duration maxDuration,
        MfaRequirement mfa,
        RateLimit rateLimit) {
    public static final Duration MAX_DURATION = Duration.ofHours(4);
    public static final Duration DEFAULT_DURATION = Duration.ofHours(1);

    public BreakGlassRule {
        requireNonNull(name, "name is null");
        requireNonNull(users, "users is null");
        reasonCodes = Set.copyOf(requireNonNull(reasonCodes, "reasonCodes is null"));
        requireNonNull(maxDuration, "maxDuration is null");
        if (maxDuration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("break-glass max_duration is at most 4h");
        }
    }

    public boolean covers(String user, String profile) {
        return users.matches(user) && (profiles == null || profiles.matches(profile));
    }
}
