package dev.sentinel.local.home;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per file for the threads of this process. File locks are held by the whole JVM, so threads
 * must first agree among themselves before one of them takes the file lock for the process.
 */
public final class InProcessLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private InProcessLocks() {}

    public static ReentrantLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
    }
}
