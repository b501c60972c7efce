package dev.sentinel.session;

import dev.sentinel.identity.RequestId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: where server sessions are tracked (SQLite on one machine; DynamoDB in team mode). Every state
 * change is conditional, so concurrent refreshes and a revocation produce exactly one outcome.
 */
public interface SessionStore {
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
     * Revokes an active session.
     *
     * @throws dev.sentinel.error.SentinelException when it is not active or does not exist
     */
    ServerSession revoke(RequestId id, String by, String reason, Instant now);

    /** Ends an active session now (its server stopped); a session that is not active is left as it is. */
    void end(RequestId id, Instant now);

    /** The newest sessions first, at most {@code limit}, optionally only those with {@code status}. */
    List<ServerSession> list(ServerSession.Status status, int limit);
}
