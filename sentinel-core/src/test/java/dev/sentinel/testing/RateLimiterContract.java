package dev.sentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.ratelimit.Admission;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link RateLimiter} adapter must have; each adapter's test extends this. */
public abstract class RateLimiterContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final String BOB = "arn:aws:iam::123456789012:user/bob";

    /** A fresh limiter with no requests counted yet. */
    protected abstract RateLimiter limiter(RequestRate rate);

    @Test
    void refusesTheRequestAfterTheLimitAndSaysWhenToRetry() {
        RateLimiter limiter = limiter(new RequestRate(2, Duration.ofSeconds(60)));

        assertThat(limiter.admit(ALICE, T0).admitted()).isTrue();
        assertThat(limiter.admit(ALICE, T0.plusSeconds(30)).admitted()).isTrue();
        Admission third = limiter.admit(ALICE, T0.plusSeconds(45));

        assertThat(third.admitted()).isFalse();
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(third.retryAfterSeconds()).isEqualTo(15);
    }

    @Test
    void theWindowSlidesInsteadOfResettingAtFixedSlots() {
        RateLimiter limiter = limiter(new RequestRate(2, Duration.ofSeconds(60)));
        limiter.admit(ALICE, T0);
        limiter.admit(ALICE, T0.plusSeconds(30));

        assertThat(limiter.admit(ALICE, T0.plusSeconds(61)).admitted())
                .as("the first request left the window")
                .isTrue();
        Admission refused = limiter.admit(ALICE, T0.plusSeconds(75));
        assertThat(refused.admitted())
                .as("the second and third are still inside it")
                .isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void refusedRequestsAreNotCounted() {
        RateLimiter limiter = limiter(new RequestRate(1, Duration.ofSeconds(10)));
        limiter.admit(ALICE, T0);
        for (int i = 1; i <= 5; i++) {
            assertThat(limiter.admit(ALICE, T0.plusSeconds(i)).admitted()).isFalse();
        }

        assertThat(limiter.admit(ALICE, T0.plusSeconds(11)).admitted()).isTrue();
    }

    @Test
    void eachCallerHasItsOwnCount() {
        RateLimiter limiter = limiter(new RequestRate(1, Duration.ofMinutes(1)));

        assertThat(limiter.admit(ALICE, T0).admitted()).isTrue();
        assertThat(limiter.admit(BOB, T0).admitted()).isTrue();
        assertThat(limiter.admit(ALICE, T0.plusSeconds(1)).admitted()).isFalse();
    }

    @Test
    void aRetryIsNeverSoonerThanOneSecond() {
        RateLimiter limiter = limiter(new RequestRate(1, Duration.ofSeconds(10)));
        limiter.admit(ALICE, T0);

        Admission refused = limiter.admit(ALICE, T0.plusMillis(9_999));

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsNeverExceedTheLimit() throws Exception {
        RateLimiter limiter = limiter(new RequestRate(5, Duration.ofMinutes(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Instant at = T0.plusMillis(i);
                calls.add(() -> limiter.admit(ALICE, at).admitted());
            }
            long admitted = 0;
            for (Future<Boolean> result : pool.invokeAll(calls)) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isLessThanOrEqualTo(5).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
