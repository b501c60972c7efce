package dev.sentinel.local.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

/**
 * Server sessions in a SQLite file (the embedded default), safe for concurrent processes: WAL mode, a
 * busy timeout, and every transition a conditional UPDATE whose row count decides the outcome. Times
 * are stored as epoch milliseconds, so they compare and sort as instants.
 *
 * <p>Credentials handed out within a session are rows of {@code server_session_issuances}, added by an
 * INSERT that is conditional on the session being active in the same statement, so none can be added
 * once the revocation's UPDATE has committed. The table is created when missing, so databases written
 * before it existed keep working (their sessions simply list no issuances).
 */
public final class SqliteSessionStore implements SessionStore {
    private static final String COLUMNS =
            "id, profile, user, status, started_at, last_access_at, expires_at, request_count, revoked_by, revoked_reason";

    /** How long a session's refreshes may be counted in memory before they are written. */
    public static final Duration WRITE_INTERVAL = Duration.ofSeconds(1);
    /** How many sessions' counts may wait in memory; beyond it a write writes them all. */
    private static final int MAX_UNWRITTEN = 1_000;

    private final String url;
    private final Path file;
    /** Idle connections kept open for refreshes and lookups; at most one per concurrent caller exists. */
    private final Queue<Connection> kept = new ConcurrentLinkedQueue<>();
    /** Refreshes counted and not written yet, per session. */
    private final ConcurrentMap<RequestId, Unwritten> unwritten = new ConcurrentHashMap<>();

    public SqliteSessionStore(Path file) {
        this.file = requireNonNull(file, "file is null");
        PrivateFiles.directory(file.toAbsolutePath().getParent());
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS server_sessions (id TEXT PRIMARY KEY, profile TEXT NOT NULL, user TEXT NOT NULL,"
                            + " status TEXT NOT NULL, started_at INTEGER NOT NULL, last_access_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
                            + " request_count INTEGER NOT NULL, revoked_by TEXT, revoked_reason TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS server_sessions_started ON server_sessions (started_at)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS server_session_issuances (session_id TEXT NOT NULL, decision TEXT NOT NULL,"
                            + " source_identity TEXT, role_arn TEXT, expires_at INTEGER NOT NULL, PRIMARY KEY (session_id, decision))");
        } catch (SQLException e) {
            throw unavailable("open", e);
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        }
        return connection;
    }

    @Override
    public void create(ServerSession session) {
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO server_sessions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, session.id().value());
            insert.setString(2, session.profile());
            insert.setString(3, session.user());
            insert.setString(4, session.status().name());
            insert.setLong(5, session.startedAt().toEpochMilli());
            insert.setLong(6, session.lastAccessAt().toEpochMilli());
            insert.setLong(7, session.expiresAt().toEpochMilli());
            insert.setLong(8, session.requestCount());
            insert.setString(9, session.revokedBy());
            insert.setString(10, session.revokedReason());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("create session " + session.id(), e);
        }
    }

    /** Reads on a kept connection (see {@link #touch}), so a server's lookups open no file. */
    @Override
    public Optional<ServerSession> get(RequestId id) {
        try {
            return onKept(c -> select(c, id)).map(this::withUnwritten);
        } catch (SQLException e) {
            throw unavailable("read session " + id, e);
        }
    }

    private static Optional<ServerSession> select(Connection c, RequestId id) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + COLUMNS + " FROM server_sessions WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(c, row)) : Optional.empty();
            }
        }
    }

    /**
     * Checks that the session is active and unexpired on every refresh, but writes its count and access
     * time at most once per {@link #WRITE_INTERVAL}: the first refresh in an interval writes (adding the
     * refreshes counted in memory since the last write), the others only read. That conditional UPDATE
     * means a revocation committed before it refuses this refresh; the reads refuse the ones after it.
     * Counts still in memory are written when the session ends or is revoked through this store, and by
     * {@link #flush()}; a crash forgets at most one interval of them, never a revocation.
     *
     * <p>It runs on connections kept open with {@code synchronous=NORMAL}, one per concurrent caller and
     * no lock shared between them: in WAL mode reads run in parallel, a refresh's commit waits for no
     * sync (a power loss may forget the last counts and access times, never a revocation, which commits
     * fully on its own connection), and keeping connections open spares every refresh the checkpoint
     * SQLite runs when a file's last connection closes.
     */
    @Override
    public ServerSession touch(RequestId id, Instant now) {
        ServerSession touched;
        try {
            touched = onKept(c -> refresh(c, id, now));
        } catch (SQLException e) {
            throw unavailable("record a refresh of session " + id, e);
        }
        if (touched != null) {
            return touched;
        }
        writeUnwritten(id);
        throw notActive(id, now);
    }

    /** The refreshed session, or null when it is not active; see {@link #touch}. */
    private ServerSession refresh(Connection c, RequestId id, Instant now) throws SQLException {
        Unwritten[] claimed = new Unwritten[1];
        unwritten.compute(id, (key, pending) -> {
            if (pending != null && now.isBefore(pending.since().plus(WRITE_INTERVAL))) {
                return pending;
            }
            claimed[0] = pending == null ? new Unwritten(0, now, now) : pending;
            return new Unwritten(0, now, now);
        });
        if (claimed[0] != null) {
            Unwritten earlier = claimed[0];
            boolean written = false;
            try {
                written = write(c, id, earlier.count() + 1, now, true);
            } finally {
                if (!written) {
                    // The refreshes counted before are still owed; touch writes them if the session ended.
                    unwritten.merge(id, earlier, Unwritten::and);
                }
            }
            if (!written) {
                return null;
            }
            if (unwritten.size() > MAX_UNWRITTEN) {
                writeAll(c);
            }
            return select(c, id).map(this::withUnwritten).orElseThrow();
        }
        Optional<ServerSession> session = select(c, id);
        if (session.isEmpty() || session.get().statusAt(now) != ServerSession.Status.ACTIVE) {
            return null;
        }
        Unwritten counted = unwritten.compute(
                id, (key, pending) -> pending == null ? new Unwritten(1, now, now) : pending.plus(now));
        return session.get().withRefreshes(counted.count(), counted.lastAccess());
    }

    @Override
    public void flush() {
        try {
            onKept(c -> {
                writeAll(c);
                return null;
            });
        } catch (SQLException e) {
            throw unavailable("record the refreshes of server sessions", e);
        }
    }

    /**
     * Adds {@code count} refreshes, the last at {@code at}, to a session: only while it is active and
     * unexpired at {@code at} when {@code onlyIfActive}, else whatever its state (refreshes it served
     * before it ended). Returns whether a row changed.
     */
    private static boolean write(Connection c, RequestId id, long count, Instant at, boolean onlyIfActive)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE server_sessions SET last_access_at = MAX(last_access_at, ?), request_count = request_count + ?"
                        + " WHERE id = ?" + (onlyIfActive ? " AND status = 'ACTIVE' AND expires_at > ?" : ""))) {
            update.setLong(1, at.toEpochMilli());
            update.setLong(2, count);
            update.setString(3, id.value());
            if (onlyIfActive) {
                update.setLong(4, at.toEpochMilli());
            }
            return update.executeUpdate() == 1;
        }
    }

    /** Writes every session's counted refreshes and forgets them. */
    private void writeAll(Connection c) throws SQLException {
        for (RequestId id : unwritten.keySet()) {
            Unwritten pending = unwritten.remove(id);
            if (pending != null && pending.count() > 0) {
                write(c, id, pending.count(), pending.lastAccess(), false);
            }
        }
    }

    /** Writes one session's counted refreshes, before it ends or is revoked, and forgets them. */
    private void writeUnwritten(RequestId id) {
        Unwritten pending = unwritten.remove(id);
        if (pending == null || pending.count() == 0) {
            return;
        }
        try {
            onKept(c -> write(c, id, pending.count(), pending.lastAccess(), false));
        } catch (SQLException e) {
            throw unavailable("record the refreshes of session " + id, e);
        }
    }

    /** A session with the refreshes counted in memory added. */
    private ServerSession withUnwritten(ServerSession session) {
        Unwritten pending = unwritten.get(session.id());
        return pending == null ? session : session.withRefreshes(pending.count(), pending.lastAccess());
    }

    /** Refreshes of one session counted since its last write at {@code since}. */
    private record Unwritten(long count, Instant lastAccess, Instant since) {
        Unwritten plus(Instant at) {
            return new Unwritten(count + 1, at.isAfter(lastAccess) ? at : lastAccess, since);
        }

        Unwritten and(Unwritten other) {
            return new Unwritten(
                    count + other.count,
                    other.lastAccess.isAfter(lastAccess) ? other.lastAccess : lastAccess,
                    other.since.isBefore(since) ? other.since : since);
        }
    }

    /** Work on one connection. */
    @FunctionalInterface
    private interface OnConnection<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a kept connection that no other thread uses meanwhile, opening one when none
     * is idle; a connection whose work failed is closed instead of kept.
     */
    private <T> T onKept(OnConnection<T> work) throws SQLException {
        Connection c = kept.poll();
        if (c == null) {
            c = connect();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous=NORMAL");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        boolean healthy = false;
        try {
            T result = work.apply(c);
            healthy = true;
            return result;
        } finally {
            if (healthy) {
                kept.offer(c);
            } else {
                try {
                    c.close();
                } catch (SQLException e) {
                    // It is dropped because its work failed; a failure to close it changes nothing.
                }
            }
        }
    }

    @Override
    public void recordIssuance(RequestId id, Issuance issuance, Instant now) {
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT OR REPLACE INTO server_session_issuances"
                                + " (session_id, decision, source_identity, role_arn, expires_at) SELECT ?, ?, ?, ?, ?"
                                + " WHERE EXISTS (SELECT 1 FROM server_sessions WHERE id = ? AND status = 'ACTIVE' AND expires_at > ?)");
                PreparedStatement forget = c.prepareStatement(
                        "DELETE FROM server_session_issuances WHERE session_id = ? AND expires_at < ?")) {
            insert.setString(1, id.value());
            insert.setString(2, issuance.decision().value());
            insert.setString(3, issuance.stamped() ? issuance.sourceIdentity().format() : null);
            insert.setString(4, issuance.roleArn());
            insert.setLong(5, issuance.expiresAt().toEpochMilli());
            insert.setString(6, id.value());
            insert.setLong(7, now.toEpochMilli());
            if (insert.executeUpdate() == 1) {
                forget.setString(1, id.value());
                forget.setLong(2, now.minus(FORGET_ISSUANCES_AFTER).toEpochMilli());
                forget.executeUpdate();
                return;
            }
        } catch (SQLException e) {
            throw unavailable("record credentials issued in session " + id, e);
        }
        throw notActive(id, now);
    }

    @Override
    public ServerSession revoke(RequestId id, String by, String reason, Instant now) {
        writeUnwritten(id);
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE server_sessions SET status = 'REVOKED', revoked_by = ?, revoked_reason = ?"
                                + " WHERE id = ? AND status = 'ACTIVE' AND expires_at > ?")) {
            update.setString(1, by);
            update.setString(2, reason);
            update.setString(3, id.value());
            update.setLong(4, now.toEpochMilli());
            if (update.executeUpdate() == 1) {
                return get(id).orElseThrow();
            }
        } catch (SQLException e) {
            throw unavailable("revoke session " + id, e);
        }
        throw notActive(id, now);
    }

    @Override
    public void end(RequestId id, Instant now) {
        writeUnwritten(id);
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE server_sessions SET expires_at = ? WHERE id = ? AND status = 'ACTIVE' AND expires_at > ?")) {
            update.setLong(1, now.toEpochMilli());
            update.setString(2, id.value());
            update.setLong(3, now.toEpochMilli());
            update.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("end session " + id, e);
        }
    }

    @Override
    public List<ServerSession> list(ServerSession.Status status, int limit) {
        String where = status == null ? "" : " WHERE status = ?";
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM server_sessions" + where
                        + " ORDER BY started_at DESC, id LIMIT ?")) {
            int index = 1;
            if (status != null) {
                select.setString(index++, status == ServerSession.Status.EXPIRED ? "ACTIVE" : status.name());
            }
            select.setInt(index, limit);
            List<ServerSession> sessions = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    sessions.add(withUnwritten(read(c, row)));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw unavailable("list sessions", e);
        }
    }

    private SentinelException notActive(RequestId id, Instant now) {
        ServerSession session = get(id).orElseThrow(() -> new SentinelException(
                ErrorCode.SESSION_NOT_FOUND,
                "There is no server session " + id + ".",
                "List sessions with 'sentinel server-sessions'."));
        ServerSession.Status status = session.statusAt(now);
        if (status == ServerSession.Status.REVOKED) {
            return new SentinelException(
                    ErrorCode.SESSION_REVOKED,
                    "Server session " + id + " was revoked by " + session.revokedBy() + ": " + session.revokedReason(),
                    "Start a new 'sentinel exec --server' if you still need access.");
        }
        return new SentinelException(
                ErrorCode.SESSION_EXPIRED,
                "Server session " + id + " ended at " + session.expiresAt() + ".",
                "Start a new 'sentinel exec --server'.");
    }

    private static ServerSession read(Connection c, ResultSet row) throws SQLException {
        RequestId id = new RequestId(row.getString("id"));
        return new ServerSession(
                id,
                row.getString("profile"),
                row.getString("user"),
                ServerSession.Status.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
                Instant.ofEpochMilli(row.getLong("started_at")),
                Instant.ofEpochMilli(row.getLong("last_access_at")),
                Instant.ofEpochMilli(row.getLong("expires_at")),
                row.getLong("request_count"),
                row.getString("revoked_by"),
                row.getString("revoked_reason"),
                issuances(c, id));
    }

    private static List<Issuance> issuances(Connection c, RequestId id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT decision, source_identity, role_arn, expires_at"
                + " FROM server_session_issuances WHERE session_id = ?")) {
            select.setString(1, id.value());
            List<Issuance> issuances = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String stamp = row.getString("source_identity");
                    issuances.add(new Issuance(
                            new RequestId(row.getString("decision")),
                            stamp == null
                                    ? null
                                    : SourceIdentity.parse(stamp)
                                            .orElseThrow(
                                                    () -> new SQLException("not a Sentinel SourceIdentity: " + stamp)),
                            row.getString("role_arn"),
                            Instant.ofEpochMilli(row.getLong("expires_at"))));
                }
            }
            return issuances;
        }
    }

    private SentinelException unavailable(String action, SQLException e) {
        return new SentinelException(
                ErrorCode.SESSION_STORE_UNAVAILABLE,
                "Cannot " + action + " in " + file + ": " + e.getMessage(),
                "Check that the Sentinel home is writable; requests that need session tracking are refused until it is.",
                e);
    }
}
