package dev.sentinel.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.registry.ProfileRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProfileRegistryTest {
    @TempDir
    Path dir;

    private static String registry(String role) {
        return "version: \"1\"\nprofiles:\n  dev-role:\n    role_arn: arn:aws:iam::123456789012:role/" + role + "\n";
    }

    private static void refused(FileProfileRegistry source, String message) {
        assertThatThrownBy(source::load)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    @Test
    void anEditTakesEffectAtTheNextLoad() throws Exception {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, registry("app-dev"));
        FileProfileRegistry source = new FileProfileRegistry(file);

        assertThat(source.load().find(new ProfileName("dev-role")).orElseThrow().roleArn())
                .endsWith(":role/app-dev");
        Files.writeString(file, registry("app-dev-2"));
        assertThat(source.load().find(new ProfileName("dev-role")).orElseThrow().roleArn())
                .endsWith(":role/app-dev-2");
    }

    @Test
    void unchangedTextIsParsedOnceAndAnyChangeIsParsedAgain() throws Exception {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, registry("app-dev"));
        FileProfileRegistry source = new FileProfileRegistry(file);

        ProfileRegistry first = source.load();
        assertThat(source.load()).isSameAs(first);

        Files.writeString(file, registry("app-dev") + "# a comment\n");
        assertThat(source.load()).isNotSameAs(first);
        Files.writeString(file, "version: \"1\"\nprofiles:\n  dev-role:\n    role: x\n");
        refused(source, "Profile registry " + file);
    }

    @Test
    void aBrokenEditServesNothing() throws Exception {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, registry("app-dev"));
        FileProfileRegistry source = new FileProfileRegistry(file);
        source.load();

        Files.writeString(file, "version: \"1\"\nprofiles:\n  dev-role:\n    role: x\n");

        refused(source, "Profile registry " + file);
    }

    @Test
    void aMissingOrUnreadableFileServesNothing() throws Exception {
        refused(new FileProfileRegistry(dir.resolve("missing.yaml")), "does not exist");
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        refused(new FileProfileRegistry(binary), "not UTF-8");
        refused(new FileProfileRegistry(dir), "Cannot read");
    }
}
