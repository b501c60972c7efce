package dev.sentinel.local.registry;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistryParser;
import dev.sentinel.registry.ProfileRegistrySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The token vending machine's profile registry in a local YAML file. It is read and validated on every
 * load, like a policy file, so an edit takes effect at the next request and a broken edit serves nothing.
 * When the text is the one parsed last, that parse is reused: a busy server reads the file on every
 * request but parses it only when it changed.
 */
public final class FileProfileRegistry implements ProfileRegistrySource {
    private final Path file;
    private volatile Parsed last;

    /** A registry and the exact text it was parsed from. */
    private record Parsed(String text, ProfileRegistry registry) {}

    public FileProfileRegistry(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    @Override
    public ProfileRegistry load() {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            Parsed previous = last;
            if (previous != null && previous.text().equals(text)) {
                return previous.registry();
            }
            ProfileRegistry registry = ProfileRegistryParser.parse(file.toString(), text);
            last = new Parsed(text, registry);
            return registry;
        } catch (NoSuchFileException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The profile registry " + file + " does not exist.",
                    "Write it (see docs/tvm.md) or pass its path with --registry.");
        } catch (CharacterCodingException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The profile registry " + file + " is not UTF-8 text.",
                    "Save the file as UTF-8.",
                    e);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read the profile registry " + file + ": " + e.getMessage(),
                    "Check the file's permissions.",
                    e);
        }
    }
}
