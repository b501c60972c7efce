package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reuses the credentials issued earlier in one server run, held in memory only, so a caller that
 * refreshes often does not make every refresh an STS call. It sits behind the gate: the policy was
 * evaluated and the session touched for this very request before it is asked. Credentials are reused
 * only for the same profile, caller and server session (so revoking one session's credentials never
 * touches another's), only when they were issued under the same grant (direct, or the
 * same approval or break-glass event), only while more than {@code refreshMargin} of their lifetime is
 * left, and only if they do not outlive the lifetime the policy allows now; otherwise the delegate is
 * asked. Reused credentials are marked {@linkplain IssuedCredentials#cached() cached}. A {@link #discard}
 * (the policy now refuses) forgets the caller's credentials for that profile in every session. Concurrent
 * requests for the same caller and session wait for one fetch.
 */
public final class InMemoryCachingCredentialIssuer implements CredentialIssuer {
    /** The servers fetch new credentials once their current ones have no more than this left. */
    public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private final CredentialIssuer delegate;
    private final Duration refreshMargin;
    private final Clock clock;
    private final ConcurrentMap<Key, Slot> slots = new ConcurrentHashMap<>();

    public InMemoryCachingCredentialIssuer(CredentialIssuer delegate, Duration refreshMargin, Clock clock) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.refreshMargin = requireNonNull(refreshMargin, "refreshMargin is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin is negative");
        }
    }

    @Override
    public IssuedCredentials issue(IssueRequest request) {
        Key key = new Key(request.profile(), request.caller().arn(), request.session());
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            Grant grant = request.sourceIdentity().grant();
            if (reusable(slot, grant, request.maxDuration())) {
                return slot.issued.fromCache();
            }
            slot.issued = null;
            IssuedCredentials issued = delegate.issue(request);
            slot.issued = issued;
            slot.grant = grant;
            return issued;
        }
    }

    @Override
    public void discard(ProfileName profile, CallerIdentity caller) {
        slots.keySet()
                .removeIf(
                        key -> key.profile().equals(profile) && key.callerArn().equals(caller.arn()));
        delegate.discard(profile, caller);
    }

    private boolean reusable(Slot slot, Grant grant, Duration maxDuration) {
        if (slot.issued == null || !slot.grant.equals(grant)) {
            return false;
        }
        Instant now = clock.instant();
        Instant expiration = slot.issued.credentials().expiration();
        if (!now.plus(refreshMargin).isBefore(expiration)) {
            return false;
        }
        return maxDuration == null || !expiration.isAfter(now.plus(maxDuration));
    }

    /** {@code session} is null for credentials outside a server session. */
    private record Key(ProfileName profile, String callerArn, RequestId session) {}

    /** The credentials last issued for one key and the grant they were issued under; guarded by itself. */
    private static final class Slot {
        private IssuedCredentials issued;
        private Grant grant;
    }
}
