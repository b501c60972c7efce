package dev.sentinel.local.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Commits the appends that threads of this process make to one log file in batches: the first waiting
 * thread writes every entry queued at that moment with one sync, while later ones queue for the next
 * batch. Each caller returns only after the batch holding its entry was written, and fails with that
 * batch's failure. With one caller at a time this is exactly one write per entry.
 */
final class GroupCommit<E> {
    private static final ConcurrentMap<Path, GroupCommit<?>> BY_FILE = new ConcurrentHashMap<>();

    private final Object monitor = new Object();
    private List<Pending<E>> queue = new ArrayList<>();
    private boolean writing;

    private GroupCommit() {}

    /**
     * The one committer for {@code file} (an absolute path) in this process. Every caller for one file
     * commits the same type of entry.
     */
    @SuppressWarnings("unchecked")
    static <E> GroupCommit<E> of(Path file) {
        return (GroupCommit<E>) BY_FILE.computeIfAbsent(file, f -> new GroupCommit<E>());
    }

    /** How many entries wait for the next batch. */
    int waiting() {
        synchronized (monitor) {
            return queue.size();
        }
    }

    /**
     * Queues {@code entry} and returns once {@code writer} has written a batch that holds it.
     *
     * @throws RuntimeException what {@code writer} threw for that batch
     */
    void commit(E entry, Consumer<List<E>> writer) {
        Pending<E> mine = new Pending<>(entry);
        List<Pending<E>> batch;
        synchronized (monitor) {
            queue.add(mine);
            boolean interrupted = false;
            while (!mine.done && writing) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    // A caller must learn whether its entry was written, so it keeps waiting.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                mine.rethrow();
                return;
            }
            writing = true;
            batch = queue;
            queue = new ArrayList<>();
        }
        RuntimeException failure = null;
        try {
            List<E> entries = new ArrayList<>(batch.size());
            batch.forEach(p -> entries.add(p.entry));
            writer.accept(entries);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (monitor) {
                for (Pending<E> p : batch) {
                    p.done = true;
                    p.failure = failure;
                }
                writing = false;
                monitor.notifyAll();
            }
        }
        mine.rethrow();
    }

    private static final class Pending<E> {
        private final E entry;
        private boolean done;
        private RuntimeException failure;

        private Pending(E entry) {
            this.entry = entry;
        }

        private void rethrow() {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
