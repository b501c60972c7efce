package dev.sentinel.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import java.time.Instant;

/**
 * One run of the local credential server ({@code sentinel exec --server}): who started it for which
 * profile, how often the child refreshed, and whether it was revoked. {@code revokedBy} and
 * {@code revokedReason} are null unless revoked.
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
        String revokedReason) {

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
    }

    /** The status as of {@code now}: an active session past its end counts as expired. */
    public Status statusAt(Instant now) {
        return status == Status.ACTIVE && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
    }
}
