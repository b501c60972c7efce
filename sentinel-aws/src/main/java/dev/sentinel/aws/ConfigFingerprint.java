package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Identifies whose base credentials a profile would use, without parsing anything and without any AWS
 * SDK class, so the cached fast path stays light: a SHA-256 over the profile name, the exact bytes of
 * the AWS config and credentials files, and the access key in the environment. Different people or keys
 * give different fingerprints; any edit to either file gives a new one (the next call then asks AWS
 * again, which is the safe direction).
 */
public final class ConfigFingerprint {
    private final AwsEnvironment environment;

    public ConfigFingerprint(AwsEnvironment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    public String of(ProfileName profile) {
        MessageDigest digest = Primitives.sha256();
        update(digest, "profile", profile.value().getBytes(StandardCharsets.UTF_8));
        update(digest, "config", read(environment.configFile()));
        update(digest, "credentials", read(environment.credentialsFile()));
        update(
                digest,
                "env-key",
                environment.get("AWS_ACCESS_KEY_ID").orElse("").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String label, byte[] value) {
        digest.update(label.getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) 0);
        digest.update(Long.toString(value.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) 0);
        digest.update(value);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            return ("unreadable: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
        }
    }
}
