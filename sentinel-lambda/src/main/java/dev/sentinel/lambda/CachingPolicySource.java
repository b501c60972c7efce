package dev.sentinel.lambda;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each profile's policy (as loaded and verified by the source it wraps) for {@code ttl} in this
 * function instance, so a busy function does not read SSM for every request. A policy change reaches
 * every instance within {@code ttl}; a failure is never kept, so the next request tries again.
 */
final class CachingPolicySource implements PolicySource {
    private record Entry(LoadedPolicy policy, Instant loadedAt) {}

    private final PolicySource source;
    private final Duration ttl;
    private final Clock clock;
    private final Map<ProfileName, Entry> cache = new ConcurrentHashMap<>();

    CachingPolicySource(PolicySource source, Duration ttl, Clock clock) {
        this.source = requireNonNull(source, "source is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        Instant now = clock.instant();
        Entry entry = cache.get(profile);
        if (entry != null && now.isBefore(entry.loadedAt().plus(ttl))) {
            return entry.policy();
        }
        cache.remove(profile);
        LoadedPolicy policy = source.load(profile);
        cache.put(profile, new Entry(policy, now));
        return policy;
    }
}
