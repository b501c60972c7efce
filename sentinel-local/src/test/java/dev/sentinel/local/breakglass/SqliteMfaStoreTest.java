package dev.sentinel.local.breakglass;

import dev.sentinel.mfa.MfaStore;
import dev.sentinel.testing.MfaStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteMfaStoreTest extends MfaStoreContract {
    @TempDir
    Path dir;

    private SqliteBreakGlassStore store;

    @BeforeEach
    void open() {
        store = new SqliteBreakGlassStore(dir.resolve("state/sentinel.db"));
    }

    @Override
    protected MfaStore store() {
        return store;
    }
}
