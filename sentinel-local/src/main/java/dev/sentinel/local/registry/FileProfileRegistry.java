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
 */
public final class FileProfileRegistry implements ProfileRegistrySource {
    private final Path file;

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
            return ProfileRegistryParser.parse(file.toString(), text);
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
