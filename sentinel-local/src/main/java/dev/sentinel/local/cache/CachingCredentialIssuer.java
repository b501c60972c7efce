package dev.sentinel.local.cache;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.policy.ProfileName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Reuses issued credentials until {@code refreshMargin} before they expire. It sits behind the gate, so
 * the policy has already allowed this very call; cached credentials are handed out only to the same
 * caller, only under the same grant (direct, or the same approval or break-glass event, so CloudTrail never
 * ties a call to a grant that did not allow it), and only if they do not outlive the lifetime the policy
 * now allows. Concurrent processes wait for one fetch instead of stampeding STS. The delegate is created
 * only when STS must be called.
 */
public final class CachingCredentialIssuer implements CredentialIssuer {
    private final CredentialCache cache;
    private final Supplier<CredentialIssuer> delegate;
    private final Duration refreshMargin;
    private final Clock clock;

    public CachingCredentialIssuer(
            CredentialCache cache, Supplier<CredentialIssuer> delegate, Duration refreshMargin, Clock clock) {
        this.cache = requireNonNull(cache, "cache is null");
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.refreshMargin = requireNonNull(refreshMargin, "refreshMargin is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public IssuedCredentials issue(IssueRequest request) {
        String name = cache.nameFor(request.profile());
        return cache.locked(name, () -> {
            CacheEntry entry = cache.read(name);
            if (reusable(entry, request)) {
                return entry.issued.fromCache();
            }
            IssuedCredentials issued = delegate.get().issue(request);
            Instant resolvedAt = entry != null
                            && entry.identity.arn().equals(request.caller().arn())
                    ? entry.identityResolvedAt
                    : clock.instant();
            cache.write(name, new CacheEntry(request.caller(), resolvedAt, issued));
            return issued;
        });
    }

    @Override
    public void discard(ProfileName profile, CallerIdentity caller) {
        String name = cache.nameFor(profile);
        cache.locked(name, () -> {
            CacheEntry entry = cache.read(name);
            if (entry != null && entry.issued != null) {
                cache.write(name, new CacheEntry(entry.identity, entry.identityResolvedAt, null));
            }
            return null;
        });
    }

    /** How credentials were granted; ones STS could not stamp (GetSessionToken) count as direct. */
    private static Grant grantOf(IssuedCredentials issued) {
        return issued.sourceIdentity() == null
                ? Grant.DIRECT
                : issued.sourceIdentity().grant();
    }

    private boolean reusable(CacheEntry entry, IssueRequest request) {
        if (entry == null
                || entry.issued == null
                || !entry.identity.arn().equals(request.caller().arn())
                || !grantOf(entry.issued).equals(request.sourceIdentity().grant())) {
            return false;
        }
        Instant now = clock.instant();
        Instant expiration = entry.issued.credentials().expiration();
        if (!now.plus(refreshMargin).isBefore(expiration)) {
            return false;
        }
        return request.maxDuration() == null || !expiration.isAfter(now.plus(request.maxDuration()));
    }
}
