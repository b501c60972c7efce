package dev.sentinel.local.home;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only files and directories. Writes are atomic (a temporary file renamed over the target), so a
 * reader never sees half a file and a crash never leaves one.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates the directory (and parents) if needed; new directories are owner-only. */
    public static Path directory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                setPermissions(dir, OWNER_DIR);
            }
            return dir;
        } catch (IOException e) {
            throw stateError("create directory " + dir, e);
        }
    }

    /** Atomically replaces {@code target} with {@code bytes}, readable by the owner only. */
    public static void write(Path target, byte[] bytes) {
        Path dir = directory(target.toAbsolutePath().getParent());
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            setPermissions(temp, OWNER_FILE);
            Files.write(temp, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw stateError("write " + target, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original error is the one worth reporting.
                }
            }
        }
    }

    /**
     * Creates {@code target} with {@code bytes} only if it does not exist yet. Returns false when another
     * process created it first (the caller then reads that one).
     */
    public static boolean createNew(Path target, byte[] bytes) {
        directory(target.toAbsolutePath().getParent());
        try {
            Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
            try {
                setPermissions(temp, OWNER_FILE);
                Files.write(temp, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
                Files.createLink(target, temp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw stateError("create " + target, e);
        }
    }

    /** Refuses a secret file that others can read, the way ssh refuses a private key that others can read. */
    public static void requireOwnerOnly(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            for (PosixFilePermission p : permissions) {
                if (!p.name().startsWith("OWNER_")) {
                    throw new SentinelException(
                            ErrorCode.LOCAL_STATE_ERROR,
                            "Secret file " + file + " is accessible by other users ("
                                    + PosixFilePermissions.toString(permissions) + ").",
                            "Run 'chmod 600 " + file
                                    + "'; if others could read it, delete it so Sentinel creates a new one.");
                }
            }
        } catch (IOException e) {
            throw stateError("read permissions of " + file, e);
        }
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    static SentinelException stateError(String action, IOException e) {
        return new SentinelException(
                ErrorCode.LOCAL_STATE_ERROR,
                "Cannot " + action + ": " + e.getMessage(),
                "Check that the Sentinel home directory is writable by you (SENTINEL_HOME, default ~/.sentinel).",
                e);
    }
}
