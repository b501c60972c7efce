package dev.sentinel.local.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.mfa.Base32;
import dev.sentinel.yaml.InvalidDocumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrolled second factors from an owner-only file. */
class MfaUsersFileTest {
    @TempDir
    Path dir;

    private Path write(String text, String permissions) throws IOException {
        Path file = Files.writeString(dir.resolve("mfa-users.yaml"), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void readsEachUsersSecretAndPhone() throws IOException {
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        MfaUsersFile users = new MfaUsersFile(write(
                "users:\n  alice:\n    totp_secret: " + Base32.encode(secret) + "\n    phone: \"+15555550100\"\n"
                        + "  bob:\n    phone: \"+445555550100\"\n",
                "rw-------"));

        assertThat(users.totpSecret("alice"))
                .hasValueSatisfying(s -> assertThat(s).isEqualTo(secret));
        assertThat(users.phone("alice")).hasValue("+15555550100");
        assertThat(users.totpSecret("bob")).isEmpty();
        assertThat(users.phone("bob")).hasValue("+445555550100");
        assertThat(users.totpSecret("mallory")).isEmpty();
    }

    @Test
    void aMissingFileMeansNobodyIsEnrolled() {
        MfaUsersFile users = new MfaUsersFile(dir.resolve("absent.yaml"));
        assertThat(users.totpSecret("alice")).isEmpty();
        assertThat(users.phone("alice")).isEmpty();
    }

    @Test
    void refusesAFileOthersCanRead() throws IOException {
        MfaUsersFile users = new MfaUsersFile(write("users:\n  alice:\n    phone: \"+15555550100\"\n", "rw-r--r--"));
        assertThatThrownBy(() -> users.phone("alice"))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("accessible by other users")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.LOCAL_STATE_ERROR);
    }

    @Test
    void refusesBadSecretsPhonesAndKeysNamingEveryProblem() throws IOException {
        MfaUsersFile users = new MfaUsersFile(write(
                "users:\n  alice:\n    totp_secret: not*base32\n    phone: 555-0100\n    pin: 1234\n", "rw-------"));
        assertThatThrownBy(() -> users.totpSecret("alice"))
                .isInstanceOf(InvalidDocumentException.class)
                .satisfies(e -> assertThat(((InvalidDocumentException) e).problems())
                        .extracting(p -> p.message())
                        .anySatisfy(m -> assertThat(m).contains("not base32"))
                        .anySatisfy(m -> assertThat(m).contains("not an E.164 number"))
                        .anySatisfy(m -> assertThat(m).contains("unknown key 'pin'")));
    }
}
