package dev.sentinel.local.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyTest {
    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeyOnceAndReadsItBack() throws IOException {
        Path file = dir.resolve("keys/log.key");
        byte[] first = LocalKey.loadOrCreate(file);
        assertThat(first).hasSize(LocalKey.LENGTH);
        assertThat(LocalKey.loadOrCreate(file)).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void concurrentFirstUsesAgreeOnOneKey() throws Exception {
        Path file = dir.resolve("keys/shared.key");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<byte[]>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(() -> LocalKey.loadOrCreate(file));
        }
        List<Future<byte[]>> results = pool.invokeAll(calls);
        pool.shutdown();
        byte[] expected = Files.readAllBytes(file);
        for (Future<byte[]> result : results) {
            assertThat(result.get()).isEqualTo(expected);
        }
    }

    @Test
    void refusesAKeyOthersCanRead() throws IOException {
        Path file = dir.resolve("keys/log.key");
        LocalKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LocalKey.loadOrCreate(file))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("accessible by other users")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.LOCAL_STATE_ERROR);
    }

    @Test
    void refusesADamagedKey() throws IOException {
        Path file = dir.resolve("k.key");
        Files.write(file, new byte[7]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> LocalKey.loadOrCreate(file)).hasMessageContaining("holds 7 bytes");
    }

    @Test
    void loadNeverCreatesAKey() {
        assertThatThrownBy(() -> LocalKey.load(dir.resolve("missing.key")))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).hint())
                .asString()
                .contains("--key-file");
        assertThat(dir.resolve("missing.key")).doesNotExist();
    }
}
