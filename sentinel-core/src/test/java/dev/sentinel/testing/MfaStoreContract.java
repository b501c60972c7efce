package dev.sentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.mfa.MfaChallenge;
import dev.sentinel.mfa.MfaStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link MfaStore} adapter must have; each adapter's test extends this. */
public abstract class MfaStoreContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123Z");
    private static final int RACERS = 8;

    protected abstract MfaStore store();

    private static MfaChallenge challenge() {
        return new MfaChallenge(
                RequestId.random(),
                "alice",
                "sms",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                T0.plusSeconds(300).plusMillis(7));
    }

    /** Runs {@code call} on {@value #RACERS} threads released together and returns their results. */
    private static <T> List<T> race(Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();
        return results;
    }

    @Test
    void refusesAReplayedOrEarlierTotpStep() {
        assertThat(store().claimTotpStep("alice", 1_000)).isTrue();

        assertThat(store().claimTotpStep("alice", 1_000)).isFalse();
        assertThat(store().claimTotpStep("alice", 999)).isFalse();
        assertThat(store().claimTotpStep("alice", 0)).isFalse();
    }

    @Test
    void acceptsALaterTotpStepAndThenRefusesTheOneBefore() {
        assertThat(store().claimTotpStep("alice", 1_000)).isTrue();
        assertThat(store().claimTotpStep("alice", 1_002)).isTrue();
        assertThat(store().claimTotpStep("alice", 1_001)).isFalse();
        assertThat(store().claimTotpStep("alice", 1_003)).isTrue();
    }

    @Test
    void totpStepsAreClaimedPerUser() {
        assertThat(store().claimTotpStep("alice", 1_000)).isTrue();
        assertThat(store().claimTotpStep("bob", 1_000)).isTrue();
        assertThat(store().claimTotpStep("carol", 5)).isTrue();
        assertThat(store().claimTotpStep("bob", 1_000)).isFalse();
        assertThat(store().claimTotpStep("alice", 1_001)).isTrue();
        assertThat(store().claimTotpStep("bob", 1_001)).isTrue();
    }

    @Test
    void racingClaimsOfTheSameStepLetExactlyOneThrough() throws Exception {
        assertThat(race(() -> store().claimTotpStep("alice", 4_242)))
                .containsOnlyOnce(true)
                .hasSize(RACERS);
        assertThat(store().claimTotpStep("alice", 4_242)).isFalse();
    }

    @Test
    void aChallengeIsTakenOnce() {
        MfaChallenge challenge = challenge();
        store().saveChallenge(challenge);

        assertThat(store().takeChallenge(challenge.id())).contains(challenge);
        assertThat(store().takeChallenge(challenge.id())).isEmpty();
    }

    @Test
    void challengesAreKeptApart() {
        MfaChallenge first = challenge();
        MfaChallenge second = challenge();
        store().saveChallenge(first);
        store().saveChallenge(second);

        assertThat(store().takeChallenge(second.id())).contains(second);
        assertThat(store().takeChallenge(first.id())).contains(first);
    }

    @Test
    void anUnknownChallengeIsEmpty() {
        assertThat(store().takeChallenge(RequestId.random())).isEmpty();
    }

    @Test
    void refusesToOverwriteAChallenge() {
        MfaChallenge challenge = challenge();
        store().saveChallenge(challenge);
        MfaChallenge sameId = new MfaChallenge(
                challenge.id(), "mallory", "sms", "00", challenge.expiresAt().plusSeconds(600));

        assertThatThrownBy(() -> store().saveChallenge(sameId))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_CONFLICT);
        assertThat(store().takeChallenge(challenge.id())).contains(challenge);
    }

    @Test
    void racingTakesGiveTheChallengeToExactlyOne() throws Exception {
        MfaChallenge challenge = challenge();
        store().saveChallenge(challenge);

        List<Optional<MfaChallenge>> taken = race(() -> store().takeChallenge(challenge.id()));

        assertThat(taken).filteredOn(Optional::isPresent).containsExactly(Optional.of(challenge));
        assertThat(taken).filteredOn(Optional::isEmpty).hasSize(RACERS - 1);
    }
}
