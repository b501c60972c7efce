package dev.sentinel.local.audit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Flushes the decision logs holding lines that wait for their sync: each one {@value
 * FileAuditLog#DEFERRED_SYNC_MILLIS} ms after its first waiting line, and every one when the JVM shuts
 * down. One daemon thread, started by the first line that waits, so a process that never defers a sync
 * never starts it.
 */
final class DeferredSyncs {
    private static final Set<FileAuditLog> WAITING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sentinel-log-sync");
        thread.setDaemon(true);
        return thread;
    });

    /** False when the JVM was already shutting down, so nothing could be flushed at its exit. */
    private static final boolean FLUSHED_AT_EXIT = flushAtExit();

    private DeferredSyncs() {}

    private static boolean flushAtExit() {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(DeferredSyncs::flushAll, "sentinel-log-sync-at-exit"));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Flushes {@code log} soon, unless a flush of it is already due. Returns false, scheduling nothing, when
     * the JVM is shutting down: the caller then syncs at once.
     */
    static boolean schedule(FileAuditLog log) {
        if (!FLUSHED_AT_EXIT) {
            return false;
        }
        if (WAITING.add(log)) {
            TIMER.schedule(() -> flush(log), FileAuditLog.DEFERRED_SYNC_MILLIS, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    private static void flushAll() {
        WAITING.forEach(DeferredSyncs::flush);
    }

    /**
     * A failure is reported, not retried: the next line that must be synced fails the same way and
     * refuses its request, and the next line that waits schedules another flush.
     */
    private static void flush(FileAuditLog log) {
        WAITING.remove(log);
        try {
            log.flush();
        } catch (RuntimeException e) {
            System.err.println("sentinel: could not sync the decision log: " + e.getMessage());
        }
    }
}
