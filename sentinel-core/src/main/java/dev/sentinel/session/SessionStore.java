package dev.sentinel.session;

import dev.sentinel.identity.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: where server sessions are tracked (SQLite on one machine; DynamoDB in team mode). Every state
 * change is conditional, so concurrent refreshes and a revocation produce exactly one outcome.
 */
public interface SessionStore {
    /**
     * How long after their expiry a store may forget issued credentials: by then no deny is needed to end
     * them. The margin covers clocks that disagree.
     */
    Duration FORGET_ISSUANCES_AFTER = Duration.ofHours(1);

    void create(ServerSession session);

    Optional<ServerSession> get(RequestId id);

    /**
     * Records a refresh of an active, unexpired session and returns it updated.
     *
     * @throws dev.sentinel.error.SentinelException SESSION_REVOKED or SESSION_EXPIRED when it is not active,
     *     SESSION_NOT_FOUND when there is no such session
     */
    ServerSession touch(RequestId id, Instant now);

    /**
     * Writes the refreshes this store has counted in memory and not written yet. A store that writes
     * every refresh as it happens has nothing to do.
     */
    default void flush() {}

    /**
     * Records credentials handed out within an active, unexpired session, in the same conditional write
     * that checks it is still active: once {@link #revoke} has succeeded, no issuance can be added, so the
     * revoked session lists every credential it handed out. Issuances that expired more than
     * {@link #FORGET_ISSUANCES_AFTER} before {@code now} may be forgotten.
     *
     * @throws dev.sentinel.error.SentinelException SESSION_REVOKED or SESSION_EXPIRED when it is not active
     *     (the credentials must then not be handed out), SESSION_NOT_FOUND when there is no such session
     */
    void recordIssuance(RequestId id, Issuance issuance, Instant now);

    /**
     * Revokes an active session and returns it, with every issuance recorded before the revocation.
     *
     * @throws dev.sentinel.error.SentinelException when it is not active or does not exist
     */
    ServerSession revoke(RequestId id, String by, String reason, Instant now);

    /** Ends an active session now (its server stopped); a session that is not active is left as it is. */
    void end(RequestId id, Instant now);

    /** The newest sessions first, at most {@code limit}, optionally only those with {@code status}. */
    List<ServerSession> list(ServerSession.Status status, int limit);
}
