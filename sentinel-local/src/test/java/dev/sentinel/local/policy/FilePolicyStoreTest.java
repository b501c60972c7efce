package dev.sentinel.local.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.PolicyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePolicyStoreTest {
    @TempDir
    Path dir;

    private FilePolicyStore store() {
        return new FilePolicyStore(dir, Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void writesPolicyAndSignatureAndKeepsTheOldPairInHistory() throws IOException {
        store().write("prod", "v1", "sig1");
        store().write("prod", "v2", "sig2");
        PolicyStore.Stored stored = store().read("prod").orElseThrow();
        assertThat(stored.text()).isEqualTo("v2");
        assertThat(stored.signature()).isEqualTo("sig2");
        assertThat(Files.readString(dir.resolve(".history/prod.2026-11-22T10-00-00Z.yaml")))
                .isEqualTo("v1");
        assertThat(Files.readString(dir.resolve(".history/prod.2026-11-22T10-00-00Z.yaml.sig")))
                .isEqualTo("sig1");
    }

    @Test
    void anUnsignedWriteRemovesTheOldSignature() {
        store().write("prod", "v1", "sig1");
        store().write("prod", "v2", null);
        assertThat(store().read("prod").orElseThrow().signature()).isNull();
    }

    @Test
    void aWriteThatCannotCompleteLeavesThePreviousPolicyInForce() throws IOException {
        store().write("prod", "v1", null);
        Files.createDirectories(dir.resolve("prod.yaml.sig/blocker"));
        assertThatThrownBy(() -> store().write("prod", "v2", "sig2"))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("prod.yaml.sig");
        assertThat(Files.readString(dir.resolve("prod.yaml"))).isEqualTo("v1");
    }

    @Test
    void refusesNamesThatWouldLeaveTheDirectory() {
        assertThatThrownBy(() -> store().write("../escape", "x", null)).isInstanceOf(SentinelException.class);
        assertThatThrownBy(() -> store().read(".hidden")).isInstanceOf(SentinelException.class);
        assertThat(dir.getParent().resolve("escape.yaml")).doesNotExist();
    }
}
