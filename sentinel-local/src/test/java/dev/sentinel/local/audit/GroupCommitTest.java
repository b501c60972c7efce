package dev.sentinel.local.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Batching of concurrent appends: who writes what, and who learns of a failure. */
class GroupCommitTest {
    private static GroupCommit<String> fresh() {
        return GroupCommit.of(Path.of("/group-commit-test/" + System.nanoTime()));
    }

    @Test
    void aLoneCallerWritesItsOwnEntryAtOnce() {
        List<List<String>> batches = new ArrayList<>();
        fresh().commit("a", batches::add);
        assertThat(batches).containsExactly(List.of("a"));
    }

    @Test
    void entriesQueuedDuringAWriteGoOutTogetherInTheNextBatch() throws Exception {
        GroupCommit<String> commit = fresh();
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        Consumer<List<String>> writer = entries -> {
            batches.add(List.copyOf(entries));
            if (entries.contains("first")) {
                firstWriteStarted.countDown();
                await(releaseFirstWrite);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> first = pool.submit(() -> commit.commit("first", writer));
            assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String entry = "later-" + i;
                later.add(pool.submit(() -> commit.commit(entry, writer)));
            }
            awaitWaiting(commit, 4);
            releaseFirstWrite.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : later) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactly("first");
        assertThat(batches.get(1)).containsExactlyInAnyOrder("later-0", "later-1", "later-2", "later-3");
    }

    @Test
    void everyCallerOfAFailedBatchGetsTheFailureAndTheNextBatchStartsClean() throws Exception {
        GroupCommit<String> commit = fresh();
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        IllegalStateException diskFull = new IllegalStateException("disk full");
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        Consumer<List<String>> writer = entries -> {
            batches.add(List.copyOf(entries));
            if (entries.contains("first")) {
                firstWriteStarted.countDown();
                await(releaseFirstWrite);
                return;
            }
            if (entries.contains("doomed-0")) {
                throw diskFull;
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try {
            Future<?> first = pool.submit(() -> commit.commit("first", writer));
            assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<?>> doomed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String entry = "doomed-" + i;
                doomed.add(pool.submit(() -> {
                    try {
                        commit.commit(entry, writer);
                    } catch (IllegalStateException e) {
                        failures.add(e);
                    }
                }));
            }
            awaitWaiting(commit, 3);
            releaseFirstWrite.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> f : doomed) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(batches.get(1)).containsExactlyInAnyOrder("doomed-0", "doomed-1", "doomed-2");
        assertThat(failures).hasSize(3).allSatisfy(f -> assertThat(f).isSameAs(diskFull));

        List<List<String>> after = new ArrayList<>();
        commit.commit("after", after::add);
        assertThat(after).containsExactly(List.of("after"));
    }

    private static void awaitWaiting(GroupCommit<String> commit, int entries) throws InterruptedException {
        for (int i = 0; i < 500 && commit.waiting() < entries; i++) {
            Thread.sleep(10);
        }
        assertThat(commit.waiting()).isEqualTo(entries);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the write");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
