package dev.sentinel.local.breakglass;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.mfa.MfaChallenge;
import dev.sentinel.mfa.MfaStore;
import dev.sentinel.store.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * Break-glass events and MFA replay state in a SQLite file (the embedded default), safe for concurrent
 * processes. {@link #open} runs in one {@code BEGIN IMMEDIATE} transaction, so of two processes opening
 * for the same invoker and profile exactly one wins; every other change is a single conditional
 * statement whose row count decides the outcome. Times are epoch milliseconds, so they compare and sort
 * as instants. The file may hold other tables; this store only touches its own.
 */
public final class SqliteBreakGlassStore implements BreakGlassStore, MfaStore {
    private static final String COLUMNS = "id, invoker, invoker_arn, profile, reason_code, justification, status,"
            + " created_at, updated_at, expires_at, duration_ms, mfa_method, escalated, closed_by, closed_reason,"
            + " closed_at, version";
    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";
    private static final Pattern TOKEN = Pattern.compile("(\\d{1,19}):([a-z2-7]{" + RequestId.LENGTH + "})");

    private final String url;
    private final Path file;

    public SqliteBreakGlassStore(Path file) {
        this.file = requireNonNull(file, "file is null");
        PrivateFiles.directory(file.toAbsolutePath().getParent());
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE IF NOT EXISTS breakglass_events (id TEXT PRIMARY KEY, invoker TEXT NOT NULL,"
                    + " invoker_arn TEXT, profile TEXT NOT NULL, reason_code TEXT NOT NULL, justification TEXT NOT NULL,"
                    + " status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                    + " expires_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, mfa_method TEXT,"
                    + " escalated INTEGER NOT NULL, closed_by TEXT, closed_reason TEXT, closed_at INTEGER,"
                    + " version INTEGER NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS breakglass_events_invoker"
                    + " ON breakglass_events (invoker, profile, created_at)");
            s.execute(
                    "CREATE INDEX IF NOT EXISTS breakglass_events_profile ON breakglass_events (profile, created_at)");
            s.execute("CREATE INDEX IF NOT EXISTS breakglass_events_status ON breakglass_events (status, created_at)");
            s.execute("CREATE INDEX IF NOT EXISTS breakglass_events_created ON breakglass_events (created_at, id)");
            s.execute("CREATE TABLE IF NOT EXISTS mfa_totp_steps (user TEXT PRIMARY KEY, last_step INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS mfa_challenges (id TEXT PRIMARY KEY, user TEXT NOT NULL,"
                    + " method TEXT NOT NULL, code_hash TEXT NOT NULL, expires_at INTEGER NOT NULL)");
        } catch (SQLException e) {
            throw unavailable("open", e);
        }
    }

    /** Write transactions take the write lock at BEGIN, so readers never need to upgrade and deadlock. */
    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return DriverManager.getConnection(url, config.toProperties());
    }

    @Override
    public void open(BreakGlassEvent event) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                openIn(c, event);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("open break-glass event " + event.id(), e);
        }
    }

    private void openIn(Connection c, BreakGlassEvent event) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM breakglass_events WHERE id = ?")) {
            exists.setString(1, event.id().value());
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    throw new SentinelException(
                            ErrorCode.STATE_CONFLICT,
                            "A break-glass event with id " + event.id() + " already exists.",
                            "Retry: a new event gets a new id.");
                }
            }
        }
        List<RequestId> lapsed = new ArrayList<>();
        try (PreparedStatement active = c.prepareStatement("SELECT id, expires_at FROM breakglass_events"
                + " WHERE invoker = ? AND profile = ? AND status = 'ACTIVE'")) {
            active.setString(1, event.invoker());
            active.setString(2, event.profile());
            try (ResultSet row = active.executeQuery()) {
                while (row.next()) {
                    RequestId id = new RequestId(row.getString("id"));
                    Instant expiresAt = Instant.ofEpochMilli(row.getLong("expires_at"));
                    if (expiresAt.isAfter(event.createdAt())) {
                        throw alreadyActive(id, event, expiresAt);
                    }
                    lapsed.add(id);
                }
            }
        }
        try (PreparedStatement expire = c.prepareStatement("UPDATE breakglass_events"
                + " SET status = 'EXPIRED', updated_at = ?, version = version + 1 WHERE id = ?")) {
            for (RequestId id : lapsed) {
                expire.setLong(1, event.createdAt().toEpochMilli());
                expire.setString(2, id.value());
                expire.executeUpdate();
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO breakglass_events (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, event.id().value());
            bind(insert, 2, event);
            insert.executeUpdate();
        }
    }

    @Override
    public Optional<BreakGlassEvent> get(RequestId id) {
        try (Connection c = connect();
                PreparedStatement select =
                        c.prepareStatement("SELECT " + COLUMNS + " FROM breakglass_events WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("read break-glass event " + id, e);
        }
    }

    @Override
    public void update(BreakGlassEvent next) {
        String stillActive = next.status() == BreakGlassEvent.Status.ACTIVE ? " AND status = 'ACTIVE'" : "";
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement("UPDATE breakglass_events SET invoker = ?,"
                        + " invoker_arn = ?, profile = ?, reason_code = ?, justification = ?, status = ?,"
                        + " created_at = ?, updated_at = ?, expires_at = ?, duration_ms = ?, mfa_method = ?,"
                        + " escalated = ?, closed_by = ?, closed_reason = ?, closed_at = ?, version = ?"
                        + " WHERE id = ? AND version = ?" + stillActive)) {
            bind(update, 1, next);
            update.setString(17, next.id().value());
            update.setLong(18, next.version() - 1);
            if (update.executeUpdate() == 1) {
                return;
            }
        } catch (SQLException e) {
            throw unavailable("update break-glass event " + next.id(), e);
        }
        BreakGlassEvent current = get(next.id()).orElseThrow(() -> notFound(next.id()));
        throw current.version() != next.version() - 1
                ? changedMeanwhile(current, next)
                : new SentinelException(
                        ErrorCode.STATE_CONFLICT,
                        "Break-glass event " + next.id() + " is "
                                + current.status().yamlName() + " and cannot become active again.",
                        "Invoke break-glass again for a new event.");
    }

    @Override
    public Page<BreakGlassEvent> list(BreakGlassQuery query, String pageToken) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> arguments = new ArrayList<>();
        if (query.invoker() != null) {
            where.append(" AND invoker = ?");
            arguments.add(query.invoker());
        }
        if (query.status() != null) {
            where.append(" AND status = ?");
            arguments.add(query.status().name());
        }
        if (query.profile() != null) {
            where.append(" AND profile = ?");
            arguments.add(query.profile());
        }
        if (pageToken != null) {
            Matcher cursor = cursor(pageToken);
            long created = Long.parseLong(cursor.group(1));
            where.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            arguments.add(created);
            arguments.add(created);
            arguments.add(cursor.group(2));
        }
        arguments.add(query.limit() + 1);
        List<BreakGlassEvent> events = select("list break-glass events", where + NEWEST_FIRST + " LIMIT ?", arguments);
        if (events.size() <= query.limit()) {
            return new Page<>(events, null);
        }
        BreakGlassEvent last = events.get(query.limit() - 1);
        String next = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        (last.createdAt().toEpochMilli() + ":" + last.id().value()).getBytes(StandardCharsets.UTF_8));
        return new Page<>(events.subList(0, query.limit()), next);
    }

    private static Matcher cursor(String pageToken) {
        try {
            Matcher cursor =
                    TOKEN.matcher(new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8));
            if (cursor.matches()) {
                return cursor;
            }
        } catch (IllegalArgumentException notBase64) {
            // reported below
        }
        throw new SentinelException(
                ErrorCode.USAGE,
                "The page token '" + pageToken + "' is not one this store issued.",
                "Pass the next-page token of the previous page unchanged, or none for the first page.");
    }

    @Override
    public int countSince(String invoker, String profile, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM breakglass_events WHERE created_at >= ?");
        if (invoker != null) {
            sql.append(" AND invoker = ?");
        }
        if (profile != null) {
            sql.append(" AND profile = ?");
        }
        try (Connection c = connect();
                PreparedStatement count = c.prepareStatement(sql.toString())) {
            int index = 1;
            count.setLong(index++, since.toEpochMilli());
            if (invoker != null) {
                count.setString(index++, invoker);
            }
            if (profile != null) {
                count.setString(index, profile);
            }
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw unavailable("count break-glass events", e);
        }
    }

    @Override
    public Optional<BreakGlassEvent> latest(String invoker, String profile) {
        List<BreakGlassEvent> events = select(
                "read the latest break-glass event of " + invoker,
                " WHERE invoker = ? AND profile = ?" + NEWEST_FIRST + " LIMIT 1",
                List.of(invoker, profile));
        return events.stream().findFirst();
    }

    private List<BreakGlassEvent> select(String action, String clauses, List<Object> arguments) {
        try (Connection c = connect();
                PreparedStatement select =
                        c.prepareStatement("SELECT " + COLUMNS + " FROM breakglass_events" + clauses)) {
            for (int i = 0; i < arguments.size(); i++) {
                select.setObject(i + 1, arguments.get(i));
            }
            List<BreakGlassEvent> events = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    events.add(read(row));
                }
            }
            return events;
        } catch (SQLException e) {
            throw unavailable(action, e);
        }
    }

    @Override
    public boolean claimTotpStep(String user, long step) {
        try (Connection c = connect();
                PreparedStatement claim =
                        c.prepareStatement("INSERT INTO mfa_totp_steps (user, last_step) VALUES (?, ?)"
                                + " ON CONFLICT (user) DO UPDATE SET last_step = excluded.last_step"
                                + " WHERE last_step < excluded.last_step")) {
            claim.setString(1, user);
            claim.setLong(2, step);
            return claim.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("record the TOTP step of " + user, e);
        }
    }

    @Override
    public void saveChallenge(MfaChallenge challenge) {
        int inserted;
        try (Connection c = connect();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO mfa_challenges (id, user, method, code_hash, expires_at)"
                                + " VALUES (?,?,?,?,?) ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, challenge.id().value());
            insert.setString(2, challenge.user());
            insert.setString(3, challenge.method());
            insert.setString(4, challenge.codeHash());
            insert.setLong(5, challenge.expiresAt().toEpochMilli());
            inserted = insert.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("save MFA challenge " + challenge.id(), e);
        }
        if (inserted != 1) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "An MFA challenge with id " + challenge.id() + " already exists.",
                    "Ask for a new code: a new challenge gets a new id.");
        }
    }

    /** The DELETE's row count decides who gets the challenge: of racing callers, one deletes the row. */
    @Override
    public Optional<MfaChallenge> takeChallenge(RequestId id) {
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement(
                        "SELECT user, method, code_hash, expires_at FROM mfa_challenges WHERE id = ?");
                PreparedStatement delete = c.prepareStatement("DELETE FROM mfa_challenges WHERE id = ?")) {
            select.setString(1, id.value());
            MfaChallenge challenge;
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                challenge = new MfaChallenge(
                        id,
                        row.getString("user"),
                        row.getString("method"),
                        row.getString("code_hash"),
                        Instant.ofEpochMilli(row.getLong("expires_at")));
            }
            delete.setString(1, id.value());
            return delete.executeUpdate() == 1 ? Optional.of(challenge) : Optional.empty();
        } catch (SQLException e) {
            throw unavailable("take MFA challenge " + id, e);
        }
    }

    /** Binds every column but the id, in {@link #COLUMNS} order, from {@code index} on. */
    private static void bind(PreparedStatement statement, int index, BreakGlassEvent event) throws SQLException {
        statement.setString(index, event.invoker());
        statement.setString(index + 1, event.invokerArn());
        statement.setString(index + 2, event.profile());
        statement.setString(index + 3, event.reasonCode().name());
        statement.setString(index + 4, event.justification());
        statement.setString(index + 5, event.status().name());
        statement.setLong(index + 6, event.createdAt().toEpochMilli());
        statement.setLong(index + 7, event.updatedAt().toEpochMilli());
        statement.setLong(index + 8, event.expiresAt().toEpochMilli());
        statement.setLong(index + 9, event.duration().toMillis());
        statement.setString(index + 10, event.mfaMethod());
        statement.setInt(index + 11, event.escalated() ? 1 : 0);
        statement.setString(index + 12, event.closedBy());
        statement.setString(index + 13, event.closedReason());
        if (event.closedAt() == null) {
            statement.setNull(index + 14, Types.INTEGER);
        } else {
            statement.setLong(index + 14, event.closedAt().toEpochMilli());
        }
        statement.setLong(index + 15, event.version());
    }

    private static BreakGlassEvent read(ResultSet row) throws SQLException {
        long closedAt = row.getLong("closed_at");
        boolean closed = !row.wasNull();
        return new BreakGlassEvent(
                new RequestId(row.getString("id")),
                row.getString("invoker"),
                row.getString("invoker_arn"),
                row.getString("profile"),
                ReasonCode.valueOf(row.getString("reason_code")),
                row.getString("justification"),
                BreakGlassEvent.Status.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("updated_at")),
                Instant.ofEpochMilli(row.getLong("expires_at")),
                Duration.ofMillis(row.getLong("duration_ms")),
                row.getString("mfa_method"),
                row.getInt("escalated") != 0,
                row.getString("closed_by"),
                row.getString("closed_reason"),
                closed ? Instant.ofEpochMilli(closedAt) : null,
                row.getLong("version"));
    }

    private static SentinelException alreadyActive(RequestId open, BreakGlassEvent event, Instant expiresAt) {
        return new SentinelException(
                ErrorCode.BREAKGLASS_ACTIVE,
                "Break-glass event " + open + " is already active for " + event.invoker() + " on profile '"
                        + event.profile() + "' until " + expiresAt + ".",
                "Close it with 'sentinel breakglass-close " + open + " --reason ...', or wait until it ends.");
    }

    private static SentinelException notFound(RequestId id) {
        return new SentinelException(
                ErrorCode.BREAKGLASS_NOT_FOUND,
                "There is no break-glass event " + id + ".",
                "List events with 'sentinel breakglass-list'.");
    }

    private static SentinelException changedMeanwhile(BreakGlassEvent current, BreakGlassEvent next) {
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Break-glass event " + next.id() + " was changed by someone else (it is now "
                        + current.status().yamlName() + ", version " + current.version() + ").",
                "Check it with 'sentinel breakglass-check " + next.id() + "' and retry if still needed.");
    }

    private SentinelException unavailable(String action, SQLException e) {
        return new SentinelException(
                ErrorCode.STATE_STORE_UNAVAILABLE,
                "Cannot " + action + " in " + file + ": " + e.getMessage(),
                "Check that the Sentinel home is writable and the file is a Sentinel database;"
                        + " break-glass and MFA are refused until it can be read.",
                e);
    }
}
