package dev.sentinel.local.cache;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.InProcessLocks;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypted, owner-only cache entries, one file per profile and base-credential fingerprint (so two
 * people, or two access keys, never share an entry). Files are AES-256-GCM with the entry's name as
 * associated data: an entry cannot be read, edited or moved to another name without the key. A damaged
 * entry reads as absent. {@link #locked} serializes concurrent processes on one entry, so parallel
 * invocations fetch from STS once and the others reuse the result.
 */
public final class CredentialCache {
    private static final byte[] MAGIC = "SNC1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final Path directory;
    private final SecretKeySpec key;
    private final Function<ProfileName, String> fingerprint;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param fingerprint identifies whose base credentials a profile would use, without network calls
     */
    public CredentialCache(Path directory, byte[] aesKey, Function<ProfileName, String> fingerprint) {
        this.directory = requireNonNull(directory, "directory is null");
        this.key = new SecretKeySpec(aesKey.clone(), "AES");
        this.fingerprint = requireNonNull(fingerprint, "fingerprint is null");
    }

    String nameFor(ProfileName profile) {
        return LoadedPolicy.sha256Hex(profile.value() + '\0' + fingerprint.apply(profile));
    }

    CacheEntry read(String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(directory.resolve(name + ".bin"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        if (bytes.length < MAGIC.length + NONCE_BYTES + 16
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        try {
            Cipher cipher = Primitives.aesGcm();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, bytes, MAGIC.length, NONCE_BYTES));
            cipher.updateAAD(name.getBytes(StandardCharsets.US_ASCII));
            byte[] plain = cipher.doFinal(bytes, MAGIC.length + NONCE_BYTES, bytes.length - MAGIC.length - NONCE_BYTES);
            CacheEntry entry = CacheEntry.deserialize(plain);
            Arrays.fill(plain, (byte) 0);
            return entry;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    void write(String name, CacheEntry entry) {
        byte[] plain = entry.serialize();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Primitives.aesGcm();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plain);
            ByteBuffer out = ByteBuffer.allocate(MAGIC.length + NONCE_BYTES + sealed.length);
            out.put(MAGIC).put(nonce).put(sealed);
            PrivateFiles.write(directory.resolve(name + ".bin"), out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Runs {@code action} holding the entry's inter-process lock. */
    <T> T locked(String name, Supplier<T> action) {
        PrivateFiles.directory(directory);
        Path lockFile = directory.resolve(name + ".lock");
        ReentrantLock threads = InProcessLocks.of(lockFile);
        try {
            if (!threads.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw lockTimeout(lockFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SentinelException(
                    ErrorCode.INTERNAL_ERROR, "Interrupted while waiting for " + lockFile + ".", "", e);
        }
        try {
            return lockedAcrossProcesses(lockFile, action);
        } finally {
            threads.unlock();
        }
    }

    private <T> T lockedAcrossProcesses(Path lockFile, Supplier<T> action) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    throw lockTimeout(lockFile);
                }
                Thread.sleep(10);
            }
            try (FileLock held = lock) {
                return action.get();
            }
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR,
                    "Cannot lock " + lockFile + ": " + e.getMessage(),
                    "Check that the Sentinel home directory is writable by you.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SentinelException(
                    ErrorCode.INTERNAL_ERROR, "Interrupted while waiting for " + lockFile + ".", "", e);
        }
    }

    private static SentinelException lockTimeout(Path lockFile) {
        return new SentinelException(
                ErrorCode.LOCAL_STATE_ERROR,
                "Another Sentinel process has held the credential cache lock " + lockFile + " for over "
                        + LOCK_WAIT.toSeconds() + " s.",
                "Check for a hung 'sentinel' process; remove the lock file if none is running.");
    }
}
