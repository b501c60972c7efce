package dev.sentinel.tvm;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in memory, for the server's tests (this module may not use the SQLite or DynamoDB adapters).
 * {@link MemorySessionStoreTest} holds it to the same contract as the real stores.
 */
final class MemorySessionStore implements SessionStore {
    private final Map<RequestId, ServerSession> sessions = new ConcurrentHashMap<>();

    @Override
    public void create(ServerSession session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new SentinelException(ErrorCode.STATE_CONFLICT, "session " + session.id() + " exists", "");
        }
    }

    @Override
    public Optional<ServerSession> get(RequestId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public synchronized ServerSession touch(RequestId id, Instant now) {
        ServerSession s = live(id, now);
        ServerSession touched = new ServerSession(
                s.id(),
                s.profile(),
                s.user(),
                s.status(),
                s.startedAt(),
                now,
                s.expiresAt(),
                s.requestCount() + 1,
                null,
                null);
        sessions.put(id, touched);
        return touched;
    }

    @Override
    public synchronized ServerSession revoke(RequestId id, String by, String reason, Instant now) {
        ServerSession s = live(id, now);
        ServerSession revoked = new ServerSession(
                s.id(),
                s.profile(),
                s.user(),
                ServerSession.Status.REVOKED,
                s.startedAt(),
                s.lastAccessAt(),
                s.expiresAt(),
                s.requestCount(),
                by,
                reason);
        sessions.put(id, revoked);
        return revoked;
    }

    @Override
    public synchronized void end(RequestId id, Instant now) {
        ServerSession s = sessions.get(id);
        if (s != null && s.statusAt(now) == ServerSession.Status.ACTIVE) {
            sessions.put(
                    id,
                    new ServerSession(
                            s.id(),
                            s.profile(),
                            s.user(),
                            s.status(),
                            s.startedAt(),
                            s.lastAccessAt(),
                            now,
                            s.requestCount(),
                            null,
                            null));
        }
    }

    @Override
    public List<ServerSession> list(ServerSession.Status status, int limit) {
        return sessions.values().stream()
                .filter(s -> status == null
                        || s.status()
                                == (status == ServerSession.Status.EXPIRED ? ServerSession.Status.ACTIVE : status))
                .sorted(Comparator.comparing(ServerSession::startedAt).reversed())
                .limit(limit)
                .toList();
    }

    private ServerSession live(RequestId id, Instant now) {
        ServerSession s = sessions.get(id);
        if (s == null) {
            throw new SentinelException(ErrorCode.SESSION_NOT_FOUND, "There is no session " + id + ".", "");
        }
        return switch (s.statusAt(now)) {
            case ACTIVE -> s;
            case REVOKED ->
                throw new SentinelException(
                        ErrorCode.SESSION_REVOKED,
                        "Server session " + id + " was revoked by " + s.revokedBy() + ": " + s.revokedReason(),
                        "");
            case EXPIRED ->
                throw new SentinelException(
                        ErrorCode.SESSION_EXPIRED, "Server session " + id + " ended at " + s.expiresAt() + ".", "");
        };
    }
}
