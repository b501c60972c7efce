package dev.sentinel.local.session;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
