package dev.sentinel.local.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.local.home.InProcessLocks;
import dev.sentinel.local.home.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The webhook outbox directory, one owner-only file per delivery, each written atomically:
 * {@code <id>.sending} while the command that raised the event is delivering it, {@code <id>.pending}
 * when it waits for a retry, and {@code failed/<id>.failed} once it has been given up. Only the
 * creating command touches a {@code .sending} file (unless it is older than {@link #ABANDONED}: that
 * command died) and turns it into a {@code .pending} one, which from then on only the holder of the
 * flush lock touches, so no delivery is attempted by two processes at once.
 */
final class Outbox {
    /** A {@code .sending} file this old belongs to a command that died while delivering it. */
    static final Duration ABANDONED = Duration.ofMinutes(10);

    private static final String SENDING = ".sending";
    private static final String PENDING = ".pending";
    private static final String FAILED = ".failed";

    private final Path dir;

    Outbox(Path dir) {
        this.dir = requireNonNull(dir, "dir is null").toAbsolutePath().normalize();
    }

    Path directory() {
        return dir;
    }

    Path failedDirectory() {
        return dir.resolve("failed");
    }

    /** Saves a new delivery before its first attempt. */
    Path startSending(Delivery delivery) {
        Path file = dir.resolve(delivery.id() + SENDING);
        PrivateFiles.write(file, delivery.serialize());
        return file;
    }

    /** The delivery arrived: forget it. */
    void delivered(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove delivered " + file, e);
        }
    }

    /** Keeps {@code delivery} (from {@code file}) for a later flush; returns where it is now. */
    Path pending(Path file, Delivery delivery) {
        Path target = dir.resolve(delivery.id() + PENDING);
        PrivateFiles.write(target, delivery.serialize());
        if (!file.equals(target)) {
            delivered(file);
        }
        return target;
    }

    /** Gives {@code delivery} (from {@code file}) up; returns where it is kept for people to look at. */
    Path failed(Path file, Delivery delivery) {
        Path target = failedDirectory().resolve(delivery.id() + FAILED);
        PrivateFiles.write(target, delivery.serialize());
        delivered(file);
        return target;
    }

    /** Moves a file that is not a readable delivery into {@code failed/} as it is. */
    Path quarantine(Path file) {
        Path target = PrivateFiles.directory(failedDirectory()).resolve(file.getFileName() + FAILED);
        try {
            move(file, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " to " + target, e);
        }
        return target;
    }

    /**
     * The {@code .pending} files, to be read and sorted by the caller. Abandoned {@code .sending} files
     * become {@code .pending} ones first; their age is measured on the system clock, the one that sets
     * file times.
     */
    List<Path> waiting() {
        Instant now = Instant.now();
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (name.endsWith(PENDING)) {
                    files.add(entry);
                } else if (name.endsWith(SENDING) && abandoned(entry, now)) {
                    Path pending = dir.resolve(name.substring(0, name.length() - SENDING.length()) + PENDING);
                    move(entry, pending);
                    files.add(pending);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the webhook outbox " + dir, e);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    static Delivery read(Path file) {
        try {
            return Delivery.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Runs {@code work} holding the outbox's flush lock, for this process and across processes; does
     * nothing and returns false when someone else holds it (they are flushing the same files).
     */
    boolean whileLocked(Runnable work) {
        Path lockFile = dir.resolve(".flush.lock");
        ReentrantLock threads = InProcessLocks.of(lockFile);
        if (!threads.tryLock()) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(
                lockFile,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                return false;
            }
            try (lock) {
                work.run();
                return true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the webhook outbox " + dir, e);
        } finally {
            threads.unlock();
        }
    }

    private static boolean abandoned(Path file, Instant now) throws IOException {
        try {
            Instant modified = Files.getLastModifiedTime(file).toInstant();
            return modified.plus(ABANDONED).isBefore(now);
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
