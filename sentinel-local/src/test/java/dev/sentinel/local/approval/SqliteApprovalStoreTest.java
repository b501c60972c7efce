package dev.sentinel.local.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.session.SqliteSessionStore;
import dev.sentinel.session.ServerSession;
import dev.sentinel.testing.ApprovalStoreContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteApprovalStoreTest extends ApprovalStoreContract {
    @TempDir
    Path dir;

    private Path file;
    private SqliteApprovalStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("state/sentinel.db");
        store = new SqliteApprovalStore(file);
    }

    @Override
    protected ApprovalStore store() {
        return store;
    }

    private static void unavailable(ThrowingCallable call, Path named) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(named.toString())
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
    }

    @Test
    void aDirectoryWhereTheDatabaseShouldBeIsReported() throws IOException {
        Path blocked = Files.createDirectories(dir.resolve("blocked/sentinel.db"));
        unavailable(() -> new SqliteApprovalStore(blocked), blocked);
    }

    @Test
    void aFileThatIsNotADatabaseIsReported() throws IOException {
        Path corrupt = dir.resolve("corrupt/sentinel.db");
        Files.createDirectories(corrupt.getParent());
        Files.write(
                corrupt,
                "this is not a SQLite database, just some text long enough to be a header"
                        .repeat(20)
                        .getBytes(StandardCharsets.UTF_8));
        unavailable(() -> new SqliteApprovalStore(corrupt), corrupt);
    }

    @Test
    void aDatabaseDamagedAfterOpeningIsReportedOnEveryCall() throws IOException {
        RequestId id = RequestId.random();
        store.create(pending(id, "alice", "prod", T0));
        for (String sidecar : List.of("-wal", "-shm")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + sidecar));
        }
        Files.write(file, new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'd', 'b'});

        unavailable(() -> store.get(id), file);
        unavailable(() -> store.create(pending(RequestId.random(), "alice", "prod", T0)), file);
        unavailable(() -> store.update(approvedBy(pending(id, "alice", "prod", T0), "bob", T0)), file);
        unavailable(() -> store.list(new ApprovalQuery(null, null, null, 10), null), file);
    }

    @Test
    void theApprovalTablesShareTheFileWithOtherTables() {
        RequestId request = RequestId.random();
        store.create(pending(request, "alice", "prod", T0));
        SqliteSessionStore sessions = new SqliteSessionStore(file);
        RequestId session = RequestId.random();
        sessions.create(new ServerSession(
                session, "prod", "alice", ServerSession.Status.ACTIVE, T0, T0, T0.plusSeconds(60), 0, null, null));

        SqliteApprovalStore reopened = new SqliteApprovalStore(file);
        assertThat(reopened.get(request)).contains(pending(request, "alice", "prod", T0));
        assertThat(sessions.get(session)).isPresent();
    }

    @Test
    void racingProcessesProduceExactlyOneApproval() throws Exception {
        RequestId id = RequestId.random();
        store.create(pending(id, "alice", "prod", T0));
        List<Process> racers = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Process racer = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                ApprovalUpdateRacer.class.getName(),
                                file.toString(),
                                id.value(),
                                "approver-" + i)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                racers.add(racer);
                outputs.add(new BufferedReader(new InputStreamReader(racer.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader output : outputs) {
                assertThat(output.readLine()).isEqualTo("ready");
            }
            for (Process racer : racers) {
                OutputStream go = racer.getOutputStream();
                go.write('\n');
                go.flush();
            }
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < racers.size(); i++) {
                outcomes.add(outputs.get(i).readLine());
                assertThat(racers.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(racers.get(i).exitValue()).isZero();
            }
            assertThat(outcomes).containsOnlyOnce("won");
            assertThat(outcomes).filteredOn(outcome -> !outcome.equals("won")).containsOnly("STATE_CONFLICT");
            ApprovalRequest stored = store.get(id).orElseThrow();
            assertThat(stored.version()).isEqualTo(2);
            assertThat(stored.decidedBy()).isEqualTo("approver-" + outcomes.indexOf("won"));
        } finally {
            racers.forEach(Process::destroyForcibly);
        }
    }
}
