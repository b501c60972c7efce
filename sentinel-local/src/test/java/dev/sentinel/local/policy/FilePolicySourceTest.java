package dev.sentinel.local.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePolicySourceTest {
    private static final String ALLOW_ALL = "version: \"1\"\nrules:\n  - name: all\n    effect: allow\n";
    private static final String DENY_ALL = "version: \"1\"\nrules:\n  - name: none\n    effect: deny\n";

    @TempDir
    Path dir;

    @Test
    void prefersTheProfilesOwnFileOverTheDefault() throws IOException {
        Files.writeString(dir.resolve("prod.yaml"), DENY_ALL);
        Files.writeString(dir.resolve("default.yaml"), ALLOW_ALL);
        FilePolicySource source = new FilePolicySource(dir);
        assertThat(source.load(new ProfileName("prod")).policy().rules().get(0).name())
                .isEqualTo("none");
        LoadedPolicy dev = source.load(new ProfileName("dev"));
        assertThat(dev.policy().rules().get(0).name()).isEqualTo("all");
        assertThat(dev.source()).endsWith("default.yaml");
        assertThat(dev.sha256()).isEqualTo(LoadedPolicy.sha256Hex(ALLOW_ALL));
    }

    @Test
    void reusesTheLastParseOnlyWhileTheTextIsUnchanged() throws IOException {
        Path file = Files.writeString(dir.resolve("default.yaml"), ALLOW_ALL);
        FilePolicySource source = new FilePolicySource(dir);
        LoadedPolicy first = source.load(new ProfileName("prod"));

        assertThat(source.load(new ProfileName("dev"))).isSameAs(first);

        Files.writeString(file, DENY_ALL);
        LoadedPolicy edited = source.load(new ProfileName("prod"));
        assertThat(edited.policy().rules().get(0).name()).isEqualTo("none");
        assertThat(edited.sha256()).isEqualTo(LoadedPolicy.sha256Hex(DENY_ALL));

        Files.writeString(file, "version: \"1\"\nrules:\n  - name: x\n    effect: Allow\n");
        assertThatThrownBy(() -> source.load(new ProfileName("prod"))).isInstanceOf(SentinelException.class);
    }

    @Test
    void aSingleFileGovernsEveryProfile() throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), ALLOW_ALL);
        assertThat(new FilePolicySource(file).load(new ProfileName("anything")).source())
                .isEqualTo(file.toString());
    }

    @Test
    void refusesWhenNoPolicyExistsAndNamesWhereItLooked() {
        assertThatThrownBy(() -> new FilePolicySource(dir).load(new ProfileName("prod")))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("prod.yaml")
                .hasMessageContaining("default.yaml")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.POLICY_NOT_FOUND);
    }

    @Test
    void refusesAnInvalidPolicyNamingTheFileAndLine() throws IOException {
        Files.writeString(dir.resolve("default.yaml"), "version: \"1\"\nrules:\n  - name: x\n    effect: Allow\n");
        assertThatThrownBy(() -> new FilePolicySource(dir).load(new ProfileName("prod")))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("default.yaml:4:")
                .hasMessageContaining("did you mean 'allow'")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.POLICY_INVALID);
    }

    @Test
    void refusesProfileNamesThatWouldEscapeTheDirectory() {
        assertThatThrownBy(() -> new FilePolicySource(dir).load(new ProfileName("../etc/passwd")))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.PROFILE_INVALID);
    }

    @Test
    void refusesAPolicyThatIsNotUtf8() throws IOException {
        Files.write(dir.resolve("default.yaml"), new byte[] {'v', (byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> new FilePolicySource(dir).load(new ProfileName("prod")))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.POLICY_INVALID);
    }
}
