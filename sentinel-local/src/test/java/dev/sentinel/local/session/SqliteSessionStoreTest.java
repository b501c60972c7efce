package dev.sentinel.local.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSessionStoreTest extends SessionStoreContract {
    @TempDir
    Path dir;

    private SqliteSessionStore store;

    @BeforeEach
    void open() {
        store = new SqliteSessionStore(dir.resolve("state/sentinel.db"));
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void aStoreThatCannotBeOpenedIsReportedNotIgnored() throws IOException {
        Path blocked = Files.createDirectories(dir.resolve("blocked/sentinel.db"));
        assertThatThrownBy(() -> new SqliteSessionStore(blocked))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.SESSION_STORE_UNAVAILABLE);
    }

    @Test
    void aDatabaseFromBeforeIssuancesWereRecordedKeepsWorking() throws SQLException {
        Path file = dir.resolve("old.db");
        RequestId id = RequestId.random();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            // The schema and a row exactly as the previous release wrote them.
            s.execute("CREATE TABLE server_sessions (id TEXT PRIMARY KEY, profile TEXT NOT NULL, user TEXT NOT NULL,"
                    + " status TEXT NOT NULL, started_at INTEGER NOT NULL, last_access_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
                    + " request_count INTEGER NOT NULL, revoked_by TEXT, revoked_reason TEXT)");
            s.execute("INSERT INTO server_sessions VALUES ('" + id.value() + "', 'prod', 'alice', 'ACTIVE', "
                    + T0.toEpochMilli() + ", " + T0.toEpochMilli() + ", "
                    + T0.plus(Duration.ofHours(1)).toEpochMilli() + ", 3, NULL, NULL)");
        }

        SqliteSessionStore reopened = new SqliteSessionStore(file);

        assertThat(reopened.get(id).orElseThrow().issuances()).isEmpty();
        Issuance issuance = stamped(T0.plus(Duration.ofMinutes(15)));
        reopened.recordIssuance(id, issuance, T0.plusSeconds(1));
        ServerSession revoked = reopened.revoke(id, "bob", "upgrade", T0.plusSeconds(2));
        assertThat(revoked.requestCount()).isEqualTo(3);
        assertThat(revoked.issuances()).containsExactly(issuance);
    }
}
