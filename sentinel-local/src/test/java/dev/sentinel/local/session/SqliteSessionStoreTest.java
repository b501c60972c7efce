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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
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

    /** The same file as another process sees it. */
    private SqliteSessionStore otherProcess() {
        return new SqliteSessionStore(dir.resolve("state/sentinel.db"));
    }

    private RequestId activeSession() {
        RequestId id = RequestId.random();
        store.create(session(id, T0, Duration.ofHours(1)));
        return id;
    }

    @Test
    void aRevocationByAnotherProcessRefusesTheNextRefreshEvenWithinAWriteInterval() {
        RequestId id = activeSession();
        store.touch(id, T0);
        store.touch(id, T0.plusMillis(100));

        otherProcess().revoke(id, "bob", "laptop stolen", T0.plusMillis(200));

        assertThatThrownBy(() -> store.touch(id, T0.plusMillis(300)))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.SESSION_REVOKED);
        assertThat(otherProcess().get(id).orElseThrow().requestCount())
                .as("the refreshes served before the revocation are written when it is seen")
                .isEqualTo(2);
    }

    @Test
    void refreshesWithinAnIntervalAreCountedInMemoryAndWrittenByTheNextInterval() {
        RequestId id = activeSession();
        for (int i = 0; i < 5; i++) {
            store.touch(id, T0.plusMillis(100L * i));
        }
        assertThat(store.get(id).orElseThrow().requestCount()).isEqualTo(5);
        assertThat(store.get(id).orElseThrow().lastAccessAt()).isEqualTo(T0.plusMillis(400));
        assertThat(otherProcess().get(id).orElseThrow().requestCount()).isEqualTo(1);

        ServerSession next = store.touch(id, T0.plus(SqliteSessionStore.WRITE_INTERVAL));

        assertThat(next.requestCount()).isEqualTo(6);
        assertThat(otherProcess().get(id).orElseThrow())
                .satisfies(s -> assertThat(s.requestCount()).isEqualTo(6))
                .satisfies(s -> assertThat(s.lastAccessAt()).isEqualTo(T0.plus(SqliteSessionStore.WRITE_INTERVAL)));
    }

    @Test
    void endingOrFlushingWritesTheCountsStillInMemory() {
        RequestId ended = activeSession();
        RequestId running = activeSession();
        for (int i = 0; i < 3; i++) {
            store.touch(ended, T0.plusMillis(10L * i));
            store.touch(running, T0.plusMillis(10L * i));
        }

        store.end(ended, T0.plusMillis(50));
        assertThat(otherProcess().get(ended).orElseThrow().requestCount()).isEqualTo(3);
        assertThat(otherProcess().get(running).orElseThrow().requestCount()).isEqualTo(1);

        store.flush();
        assertThat(otherProcess().get(running).orElseThrow().requestCount()).isEqualTo(3);
        assertThat(otherProcess().list(null, 10))
                .extracting(ServerSession::requestCount)
                .containsOnly(3L);
    }

    @Test
    void concurrentRefreshesAcrossManyIntervalsAreEachCountedOnce() throws Exception {
        RequestId id = activeSession();
        AtomicLong millis = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Void>> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            callers.add(() -> {
                for (int i = 0; i < 200; i++) {
                    store.touch(id, T0.plusMillis(millis.addAndGet(7)));
                }
                return null;
            });
        }
        for (Future<Void> done : pool.invokeAll(callers)) {
            done.get();
        }
        pool.shutdown();

        assertThat(store.get(id).orElseThrow().requestCount()).isEqualTo(1600);
        store.flush();
        assertThat(otherProcess().get(id).orElseThrow())
                .satisfies(s -> assertThat(s.requestCount()).isEqualTo(1600))
                .satisfies(s -> assertThat(s.lastAccessAt()).isEqualTo(T0.plusMillis(millis.get())));
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
