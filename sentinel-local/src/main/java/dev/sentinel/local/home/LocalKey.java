package dev.sentinel.local.home;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A 32-byte secret key in an owner-only file, created from a cryptographic RNG on first use. Concurrent
 * first uses agree on one key: the file is created atomically and a loser reads the winner's key.
 */
public final class LocalKey {
    public static final int LENGTH = 32;

    private LocalKey() {}

    /** Reads an existing key; never creates one (used to verify, where a new key would prove nothing). */
    public static byte[] load(Path file) {
        if (!Files.exists(file)) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "There is no key at " + file + ".",
                    "Pass the key the log was written with: --key-file PATH.");
        }
        return read(file);
    }

    public static byte[] loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[LENGTH];
            new SecureRandom().nextBytes(fresh);
            if (PrivateFiles.createNew(file, fresh)) {
                return fresh;
            }
            Arrays.fill(fresh, (byte) 0);
        }
        return read(file);
    }

    private static byte[] read(Path file) {
        PrivateFiles.requireOwnerOnly(file);
        try {
            byte[] key = Files.readAllBytes(file);
            if (key.length != LENGTH) {
                throw new SentinelException(
                        ErrorCode.LOCAL_STATE_ERROR,
                        "Key file " + file + " holds " + key.length + " bytes, not " + LENGTH + ".",
                        "The file was damaged or replaced. Restore it from backup; data sealed with the old key cannot be verified without it.");
            }
            return key;
        } catch (IOException e) {
            throw PrivateFiles.stateError("read key " + file, e);
        }
    }
}
