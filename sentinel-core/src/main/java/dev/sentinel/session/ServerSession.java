package dev.sentinel.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * One run of the local credential server ({@code sentinel exec --server}): who started it for which
 * profile, how often the child refreshed, and whether it was revoked. {@code revokedBy} and
 * {@code revokedReason} are null unless revoked. {@code issuances} are the credentials handed out within
 * the session that may still be valid (a store may forget those that expired {@link
 * SessionStore#FORGET_ISSUANCES_AFTER} ago), in order of expiry.
 */
public record ServerSession(
        RequestId id,
        String profile,
        String user,
        Status status,
        Instant startedAt,
        Instant lastAccessAt,
        Instant expiresAt,
        long requestCount,
        String revokedBy,
        String revokedReason,
        List<Issuance> issuances) {

    public enum Status {
        ACTIVE,
        REVOKED,
        EXPIRED
    }

    public ServerSession {
        requireNonNull(id, "id is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(user, "user is null");
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(lastAccessAt, "lastAccessAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
        issuances = requireNonNull(issuances, "issuances is null").stream()
                .sorted(Comparator.comparing(Issuance::expiresAt)
                        .thenComparing(i -> i.decision().value()))
                .toList();
    }

    /** A session with no credentials handed out yet. */
    public ServerSession(
            RequestId id,
            String profile,
            String user,
            Status status,
            Instant startedAt,
            Instant lastAccessAt,
            Instant expiresAt,
            long requestCount,
            String revokedBy,
            String revokedReason) {
        this(
                id,
                profile,
                user,
                status,
                startedAt,
                lastAccessAt,
                expiresAt,
                requestCount,
                revokedBy,
                revokedReason,
                List.of());
    }

    /** This session with {@code count} more refreshes, the last of them at {@code at} if that is later. */
    public ServerSession withRefreshes(long count, Instant at) {
        Instant last = at.isAfter(lastAccessAt) ? at : lastAccessAt;
        return new ServerSession(
                id,
                profile,
                user,
                status,
                startedAt,
                last,
                expiresAt,
                requestCount + count,
                revokedBy,
                revokedReason,
                issuances);
    }

    /** The status as of {@code now}: an active session past its end counts as expired. */
    public Status statusAt(Instant now) {
        return status == Status.ACTIVE && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
    }
}
