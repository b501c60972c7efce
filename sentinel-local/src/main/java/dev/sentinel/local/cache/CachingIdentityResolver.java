package dev.sentinel.local.cache;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.ProfileName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Remembers who the base credentials belong to for up to {@code ttl}, so a cached credential_process
 * call learns its caller without reaching AWS. The delegate is created only on a miss, so the fast path
 * loads no AWS SDK classes. An entry from the future (a clock that went backwards) counts as stale.
 */
public final class CachingIdentityResolver implements IdentityResolver {
    private final CredentialCache cache;
    private final Supplier<IdentityResolver> delegate;
    private final Duration ttl;
    private final Clock clock;

    public CachingIdentityResolver(
            CredentialCache cache, Supplier<IdentityResolver> delegate, Duration ttl, Clock clock) {
        this.cache = requireNonNull(cache, "cache is null");
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public CallerIdentity resolve(ProfileName profile) {
        String name = cache.nameFor(profile);
        CacheEntry entry = cache.read(name);
        if (fresh(entry)) {
            return entry.identity;
        }
        return cache.locked(name, () -> {
            CacheEntry current = cache.read(name);
            if (fresh(current)) {
                return current.identity;
            }
            CallerIdentity identity = delegate.get().resolve(profile);
            boolean sameCaller = current != null && current.identity.arn().equals(identity.arn());
            cache.write(name, new CacheEntry(identity, clock.instant(), sameCaller ? current.issued : null));
            return identity;
        });
    }

    private boolean fresh(CacheEntry entry) {
        if (entry == null) {
            return false;
        }
        Instant now = clock.instant();
        return !now.isBefore(entry.identityResolvedAt) && now.isBefore(entry.identityResolvedAt.plus(ttl));
    }
}
