package dev.sentinel.server;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SessionStore} in a map, for the server's tests (the server module may not depend on the SQLite
 * adapter). It passes the same contract suite as the real adapters ({@code MemorySessionStoreTest}).
 */
public final class MemorySessionStore implements SessionStore {
    private final Map<RequestId, ServerSession> sessions = new HashMap<>();

    @Override
    public synchronized void create(ServerSession session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException("session " + session.id() + " exists");
        }
    }

    @Override
    public synchronized Optional<ServerSession> get(RequestId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public synchronized ServerSession touch(RequestId id, Instant now) {
        ServerSession s = active(id, now);
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
                null,
                s.issuances());
        sessions.put(id, touched);
        return touched;
    }

    @Override
    public synchronized void recordIssuance(RequestId id, Issuance issuance, Instant now) {
        ServerSession s = active(id, now);
        List<Issuance> kept = new ArrayList<>();
        for (Issuance earlier : s.issuances()) {
            if (earlier.expiresAt().plus(FORGET_ISSUANCES_AFTER).isAfter(now)) {
                kept.add(earlier);
            }
        }
        kept.add(issuance);
        sessions.put(
                id,
                new ServerSession(
                        s.id(),
                        s.profile(),
                        s.user(),
                        s.status(),
                        s.startedAt(),
                        s.lastAccessAt(),
                        s.expiresAt(),
                        s.requestCount(),
                        s.revokedBy(),
                        s.revokedReason(),
                        kept));
    }

    @Override
    public synchronized ServerSession revoke(RequestId id, String by, String reason, Instant now) {
        ServerSession s = active(id, now);
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
                reason,
                s.issuances());
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
                            null,
                            s.issuances()));
        }
    }

    @Override
    public synchronized List<ServerSession> list(ServerSession.Status status, int limit) {
        return sessions.values().stream()
                .filter(s -> status == null || s.status() == status)
                .sorted(Comparator.comparing(ServerSession::startedAt).reversed())
                .limit(limit)
                .toList();
    }

    private ServerSession active(RequestId id, Instant now) {
        ServerSession s = sessions.get(id);
        if (s == null) {
            throw new SentinelException(ErrorCode.SESSION_NOT_FOUND, "No server session " + id + ".", "");
        }
        return switch (s.statusAt(now)) {
            case ACTIVE -> s;
            case REVOKED ->
                throw new SentinelException(
                        ErrorCode.SESSION_REVOKED,
                        "Server session " + id + " was revoked by " + s.revokedBy() + ": " + s.revokedReason(),
                        "");
            case EXPIRED ->
                throw new SentinelException(ErrorCode.SESSION_EXPIRED, "Server session " + id + " ended.", "");
        };
    }
}
