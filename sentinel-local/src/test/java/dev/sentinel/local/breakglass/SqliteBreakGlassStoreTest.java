package dev.sentinel.local.breakglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.session.SqliteSessionStore;
import dev.sentinel.testing.BreakGlassStoreContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBreakGlassStoreTest extends BreakGlassStoreContract {
    @TempDir
    Path dir;

    private Path file;
    private SqliteBreakGlassStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("state/sentinel.db");
        store = new SqliteBreakGlassStore(file);
    }

    @Override
    protected BreakGlassStore store() {
        return store;
    }

    @Test
    void racingProcessesOpenExactlyOneEvent() throws Exception {
        int children = 4;
        Path start = dir.resolve("start");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            processes.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            OpenInAnotherProcess.class.getName(),
                            file.toString(),
                            start.toString(),
                            T0.plusMillis(i).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }
        for (Process process : processes) {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
        }
        Files.createFile(start);
        List<Integer> exits = new ArrayList<>();
        for (Process process : processes) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            exits.add(process.exitValue());
        }

        assertThat(exits).containsOnlyOnce(OpenInAnotherProcess.OPENED);
        assertThat(exits)
                .filteredOn(code -> code != OpenInAnotherProcess.OPENED)
                .hasSize(children - 1)
                .containsOnly(OpenInAnotherProcess.ACTIVE);
        assertThat(store.list(new BreakGlassQuery("alice", null, "prod", 100), null)
                        .items())
                .hasSize(1);
    }

    @Test
    void sharesItsFileWithOtherStores() {
        SqliteSessionStore sessions = new SqliteSessionStore(file);
        assertThat(sessions.list(null, 10)).isEmpty();
        store.open(event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1)));
        assertThat(new SqliteBreakGlassStore(file).latest("alice", "prod")).isPresent();
    }

    @Test
    void aCorruptFileIsReportedNotIgnored() throws IOException {
        Path corrupt = dir.resolve("corrupt/sentinel.db");
        Files.createDirectories(corrupt.getParent());
        Files.write(
                corrupt,
                "this is not a SQLite database, just some bytes".repeat(100).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new SqliteBreakGlassStore(corrupt))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
    }

    @Test
    void aFileCorruptedAfterOpeningIsReportedNotIgnored() throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        Files.write(file, "garbage".repeat(1000).getBytes(StandardCharsets.UTF_8));

        for (Runnable call : List.<Runnable>of(
                () -> store.get(RequestId.random()),
                () -> store.open(event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1))),
                () -> store.countSince("alice", "prod", T0),
                () -> store.claimTotpStep("alice", 1),
                () -> store.takeChallenge(RequestId.random()))) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(SentinelException.class)
                    .extracting(e -> ((SentinelException) e).code())
                    .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
        }
    }
}
