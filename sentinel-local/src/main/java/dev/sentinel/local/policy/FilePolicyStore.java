package dev.sentinel.local.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.local.signing.SidecarSignatures;
import dev.sentinel.policy.PolicyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Policies published as files: {@code <dir>/<name>.yaml} with its signature in {@code <name>.yaml.sig}.
 * Every write first copies the current pair to {@code <dir>/.history/}; if the signature cannot be
 * written after the policy was, the previous policy is put back, so the old pair stays in force.
 */
public final class FilePolicyStore implements PolicyStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_@+=,-][A-Za-z0-9_.@+=,-]{0,127}");

    private final Path directory;
    private final Clock clock;

    public FilePolicyStore(Path directory, Clock clock) {
        this.directory = requireNonNull(directory, "directory is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private Path policyFile(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new SentinelException(
                    ErrorCode.USAGE, "'" + name + "' cannot name a policy file.", "Use the profile name or 'default'.");
        }
        return directory.resolve(name + ".yaml");
    }

    @Override
    public String location(String name) {
        return policyFile(name).toString();
    }

    @Override
    public Optional<Stored> read(String name) {
        Path file = policyFile(name);
        Optional<String> text = readIfPresent(file);
        return text.map(t -> new Stored(
                name,
                file.toString(),
                t,
                readIfPresent(SidecarSignatures.signatureFile(file)).orElse(null)));
    }

    @Override
    public void write(String name, String text, String signature) {
        Path file = policyFile(name);
        Path sig = SidecarSignatures.signatureFile(file);
        Optional<String> oldText = readIfPresent(file);
        Optional<String> oldSig = readIfPresent(sig);
        String stamp = clock.instant().toString().replace(':', '-');
        oldText.ifPresent(
                t -> PrivateFiles.write(directory.resolve(".history").resolve(name + "." + stamp + ".yaml"), bytes(t)));
        oldSig.ifPresent(s ->
                PrivateFiles.write(directory.resolve(".history").resolve(name + "." + stamp + ".yaml.sig"), bytes(s)));
        PrivateFiles.write(file, bytes(text));
        try {
            if (signature == null) {
                Files.deleteIfExists(sig);
            } else {
                PrivateFiles.write(sig, bytes(signature));
            }
        } catch (IOException | SentinelException e) {
            oldText.ifPresentOrElse(t -> PrivateFiles.write(file, bytes(t)), () -> deleteQuietly(file));
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR,
                    "Cannot write the signature " + sig + "; the previous policy is back in place.",
                    "Check that " + directory + " is writable, then push again.",
                    e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Nothing was there before; a stray new file fails validation of its missing signature.
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<String> readIfPresent(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR,
                    "Cannot read " + file + ": " + e.getMessage(),
                    "Check its permissions.",
                    e);
        }
    }
}
