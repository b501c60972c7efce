package dev.sentinel.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Port: ends role credentials that were already handed out, before they expire, by attaching to the role
 * a policy that denies everything to sessions stamped with their SourceIdentity. Each revoked server
 * session gets its own deny on each role, named for the session, so writing it again replaces it
 * (idempotent) and two sessions on one role never overwrite each other. A deny records when it is no
 * longer needed, so {@link #removeExpired} can take it away again.
 */
public interface SourceIdentityRevoker {
    /** What {@link #deny} did. */
    enum Denial {
        /** The deny is on the role. */
        WRITTEN,
        /** The role no longer exists: there is nothing to attach a deny to, and nothing was written. */
        ROLE_GONE
    }

    /**
     * Denies every action to sessions of {@code roleArn} stamped with one of {@code stamps}, until
     * {@code until}. The whole deny is written, or nothing is.
     *
     * @throws dev.sentinel.error.SentinelException when it was not written (the role's policy size limit, no
     *     permission, the service unreachable)
     */
    Denial deny(RequestId session, String roleArn, Collection<SourceIdentity> stamps, Instant until);

    /**
     * Removes the denies this revoker wrote on {@code roleArn} that are no longer needed at {@code now}. A
     * role that no longer exists has none.
     *
     * @throws dev.sentinel.error.SentinelException when the role's policies cannot be read or removed
     */
    Removal removeExpired(String roleArn, Instant now);

    /**
     * What {@link #removeExpired} did: the deny policies it removed, and those that look like its own but
     * whose end it cannot read (left in place for a person to look at).
     */
    record Removal(List<String> removed, List<String> unreadable) {
        public Removal {
            removed = List.copyOf(requireNonNull(removed, "removed is null"));
            unreadable = List.copyOf(requireNonNull(unreadable, "unreadable is null"));
        }
    }
}
