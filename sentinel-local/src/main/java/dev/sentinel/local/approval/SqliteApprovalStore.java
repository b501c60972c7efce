package dev.sentinel.local.approval;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.Approval;
import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.home.PrivateFiles;
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

/**
 * Approval requests in a SQLite file (the embedded default), safe for concurrent processes: WAL mode, a
 * busy timeout, and every change a conditional {@code UPDATE ... WHERE id = ? AND version = ?} whose row
 * count decides the outcome. A request is one row of {@code approval_requests}; its approvals are rows
 * of {@code approval_request_approvals}, written in the same transaction and read in the same snapshot.
 * Times are epoch milliseconds (they compare and sort as instants); durations are milliseconds. The
 * file may hold other tables too.
 *
 * <p>Lists are keyset-paged on (creation time, id), both descending: the page token names the last
 * request returned, so requests created or changed between pages never make a page skip or repeat one.
 */
public final class SqliteApprovalStore implements ApprovalStore {
    private static final String COLUMNS = "id, requester, requester_arn, profile, duration_ms, justification, status,"
            + " created_at, updated_at, expires_at, access_start, approvals_required, decided_by, comment,"
            + " auto_approved, version";
    private static final String VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
    private static final Pattern TOKEN = Pattern.compile("(\\d{1,19})#([a-z2-7]{" + RequestId.LENGTH + "})");

    private final String url;
    private final Path file;

    /** Opens (creating if needed) the approval tables in {@code file}; its directory is made owner-only. */
    public SqliteApprovalStore(Path file) {
        this.file = requireNonNull(file, "file is null");
        PrivateFiles.directory(file.toAbsolutePath().getParent());
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE IF NOT EXISTS approval_requests (id TEXT PRIMARY KEY, requester TEXT NOT NULL,"
                    + " requester_arn TEXT, profile TEXT NOT NULL, duration_ms INTEGER NOT NULL,"
                    + " justification TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
                    + " updated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, access_start INTEGER,"
                    + " approvals_required INTEGER NOT NULL, decided_by TEXT, comment TEXT,"
                    + " auto_approved INTEGER NOT NULL, version INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS approval_request_approvals (request_id TEXT NOT NULL"
                    + " REFERENCES approval_requests (id), position INTEGER NOT NULL, approver TEXT NOT NULL,"
                    + " approved_at INTEGER NOT NULL, comment TEXT, PRIMARY KEY (request_id, position))");
            s.execute("CREATE INDEX IF NOT EXISTS approval_requests_created ON approval_requests (created_at, id)");
            for (String column : List.of("requester", "status", "profile")) {
                s.execute("CREATE INDEX IF NOT EXISTS approval_requests_" + column + " ON approval_requests (" + column
                        + ", created_at, id)");
            }
        } catch (SQLException e) {
            throw unavailable("open the approval tables", e);
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    @Override
    public void create(ApprovalRequest request) {
        boolean created;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO approval_requests (" + COLUMNS
                    + ") VALUES (" + VALUES + ") ON CONFLICT (id) DO NOTHING")) {
                bind(insert, request);
                created = insert.executeUpdate() == 1;
                if (created) {
                    insertApprovals(c, request);
                }
            }
            finish(c, created);
        } catch (SQLException e) {
            throw unavailable("create approval request " + request.id(), e);
        }
        if (!created) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "An approval request with id " + request.id() + " already exists in " + file + ".",
                    "Create the request again; it gets a new id.");
        }
    }

    @Override
    public Optional<ApprovalRequest> get(RequestId id) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            Optional<ApprovalRequest> found;
            try (PreparedStatement select =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM approval_requests WHERE id = ?")) {
                select.setString(1, id.value());
                List<ApprovalRequest> rows = read(c, select, 1);
                found = rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
            }
            c.commit();
            return found;
        } catch (SQLException e) {
            throw unavailable("read approval request " + id, e);
        }
    }

    @Override
    public void update(ApprovalRequest next) {
        boolean updated;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE approval_requests SET (" + COLUMNS + ") = (" + VALUES + ") WHERE id = ? AND version = ?")) {
                bind(update, next);
                update.setString(17, next.id().value());
                update.setLong(18, next.version() - 1);
                updated = update.executeUpdate() == 1;
            }
            if (updated) {
                try (PreparedStatement delete =
                        c.prepareStatement("DELETE FROM approval_request_approvals WHERE request_id = ?")) {
                    delete.setString(1, next.id().value());
                    delete.executeUpdate();
                }
                insertApprovals(c, next);
            }
            finish(c, updated);
        } catch (SQLException e) {
            throw unavailable("update approval request " + next.id(), e);
        }
        if (!updated) {
            throw notUpdated(next);
        }
    }

    private SentinelException notUpdated(ApprovalRequest next) {
        Optional<ApprovalRequest> stored = get(next.id());
        if (stored.isEmpty()) {
            return new SentinelException(
                    ErrorCode.APPROVAL_NOT_FOUND,
                    "There is no approval request " + next.id() + " in " + file + ".",
                    "List requests with 'sentinel list'.");
        }
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Approval request " + next.id() + " changed while this change was being made (it is now at version "
                        + stored.get().version() + ", this change expected version " + (next.version() - 1) + ").",
                "Look at the request again with 'sentinel check " + next.id()
                        + "' and retry if the change still makes sense.");
    }

    @Override
    public Page<ApprovalRequest> list(ApprovalQuery query, String pageToken) {
        List<String> conditions = new ArrayList<>();
        List<Object> arguments = new ArrayList<>();
        if (query.requester() != null) {
            conditions.add("requester = ?");
            arguments.add(query.requester());
        }
        if (query.status() != null) {
            conditions.add("status = ?");
            arguments.add(query.status().name());
        }
        if (query.profile() != null) {
            conditions.add("profile = ?");
            arguments.add(query.profile());
        }
        if (pageToken != null) {
            Matcher after = decode(pageToken);
            long createdAt = Long.parseLong(after.group(1));
            conditions.add("(created_at < ? OR (created_at = ? AND id < ?))");
            arguments.addAll(List.of(createdAt, createdAt, after.group(2)));
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            List<ApprovalRequest> rows;
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM approval_requests" + where
                    + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
                int index = 1;
                for (Object argument : arguments) {
                    select.setObject(index++, argument);
                }
                // One more than the page: it tells whether another page follows.
                select.setInt(index, query.limit() + 1);
                rows = read(c, select, query.limit() + 1);
            }
            c.commit();
            if (rows.size() <= query.limit()) {
                return new Page<>(rows, null);
            }
            List<ApprovalRequest> page = rows.subList(0, query.limit());
            return new Page<>(page, encode(page.get(page.size() - 1)));
        } catch (SQLException e) {
            throw unavailable("list approval requests", e);
        }
    }

    private static void bind(PreparedStatement statement, ApprovalRequest request) throws SQLException {
        statement.setString(1, request.id().value());
        statement.setString(2, request.requester());
        statement.setString(3, request.requesterArn());
        statement.setString(4, request.profile());
        statement.setLong(5, request.duration().toMillis());
        statement.setString(6, request.justification());
        statement.setString(7, request.status().name());
        statement.setLong(8, request.createdAt().toEpochMilli());
        statement.setLong(9, request.updatedAt().toEpochMilli());
        statement.setLong(10, request.expiresAt().toEpochMilli());
        if (request.accessStart() == null) {
            statement.setNull(11, Types.INTEGER);
        } else {
            statement.setLong(11, request.accessStart().toEpochMilli());
        }
        statement.setInt(12, request.approvalsRequired());
        statement.setString(13, request.decidedBy());
        statement.setString(14, request.comment());
        statement.setInt(15, request.autoApproved() ? 1 : 0);
        statement.setLong(16, request.version());
    }

    private static void insertApprovals(Connection c, ApprovalRequest request) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO approval_request_approvals"
                + " (request_id, position, approver, approved_at, comment) VALUES (?, ?, ?, ?, ?)")) {
            int position = 0;
            for (Approval approval : request.approvals()) {
                insert.setString(1, request.id().value());
                insert.setInt(2, position++);
                insert.setString(3, approval.approver());
                insert.setLong(4, approval.at().toEpochMilli());
                insert.setString(5, approval.comment());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Commits when the change happened, else rolls back (nothing was written). */
    private static void finish(Connection c, boolean changed) throws SQLException {
        if (changed) {
            c.commit();
        } else {
            c.rollback();
        }
    }

    /** The requests {@code select} finds, with their approvals, read in the connection's transaction. */
    private static List<ApprovalRequest> read(Connection c, PreparedStatement select, int expected)
            throws SQLException {
        List<ApprovalRequest> requests = new ArrayList<>(expected);
        try (ResultSet row = select.executeQuery();
                PreparedStatement approvals = c.prepareStatement("SELECT approver, approved_at, comment FROM"
                        + " approval_request_approvals WHERE request_id = ? ORDER BY position")) {
            while (row.next()) {
                approvals.setString(1, row.getString("id"));
                requests.add(read(row, approvals));
            }
        }
        return requests;
    }

    private static ApprovalRequest read(ResultSet row, PreparedStatement approvalsOf) throws SQLException {
        List<Approval> approvals = new ArrayList<>();
        try (ResultSet approval = approvalsOf.executeQuery()) {
            while (approval.next()) {
                approvals.add(new Approval(
                        approval.getString("approver"),
                        Instant.ofEpochMilli(approval.getLong("approved_at")),
                        approval.getString("comment")));
            }
        }
        long accessStart = row.getLong("access_start");
        boolean noAccessStart = row.wasNull();
        return new ApprovalRequest(
                new RequestId(row.getString("id")),
                row.getString("requester"),
                row.getString("requester_arn"),
                row.getString("profile"),
                Duration.ofMillis(row.getLong("duration_ms")),
                row.getString("justification"),
                ApprovalRequest.Status.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("updated_at")),
                Instant.ofEpochMilli(row.getLong("expires_at")),
                noAccessStart ? null : Instant.ofEpochMilli(accessStart),
                row.getInt("approvals_required"),
                approvals,
                row.getString("decided_by"),
                row.getString("comment"),
                row.getInt("auto_approved") != 0,
                row.getLong("version"));
    }

    /** The page token: where the next page starts, as creation millis and id of the last request returned. */
    private static String encode(ApprovalRequest last) {
        String position = last.createdAt().toEpochMilli() + "#" + last.id().value();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static Matcher decode(String token) {
        try {
            Matcher position = TOKEN.matcher(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (position.matches()) {
                Long.parseLong(position.group(1));
                return position;
            }
        } catch (IllegalArgumentException e) {
            // Not base64, or a number out of range: the same answer as any other bad token.
        }
        throw new SentinelException(
                ErrorCode.USAGE,
                "The page token '" + token + "' is not one this approval store issued.",
                "Pass back the token from the previous page unchanged, or start again without one.");
    }

    private SentinelException unavailable(String action, SQLException e) {
        return new SentinelException(
                ErrorCode.STATE_STORE_UNAVAILABLE,
                "Cannot " + action + " in " + file + ": " + e.getMessage(),
                "Check that the Sentinel home is writable and that this file is a Sentinel database (move a damaged"
                        + " one aside); requests that need approval are refused until it can be read.",
                e);
    }
}
