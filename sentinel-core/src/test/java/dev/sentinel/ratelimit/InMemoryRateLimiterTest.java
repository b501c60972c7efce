package dev.sentinel.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.testing.RateLimiterContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest extends RateLimiterContract {
    @Override
    protected RateLimiter limiter(RequestRate rate) {
        return new InMemoryRateLimiter(rate);
    }

    @Test
    void forgetsCallersWhoseRequestsLeftTheWindow() {
        InMemoryRateLimiter limiter = new InMemoryRateLimiter(new RequestRate(1, Duration.ofSeconds(10)));
        for (int i = 0; i < InMemoryRateLimiter.SWEEP_EVERY - 1; i++) {
            limiter.admit("caller-" + i, T0);
        }
        assertThat(limiter.keys()).isEqualTo(InMemoryRateLimiter.SWEEP_EVERY - 1);

        limiter.admit("late", T0.plusSeconds(11));

        assertThat(limiter.keys()).isEqualTo(1);
    }

    @Test
    void ratesOutsideTheSupportedRangeAreRefused() {
        assertThatThrownBy(() -> new RequestRate(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestRate(RequestRate.MAX_LIMIT + 1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestRate(1, Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RequestRate(100, Duration.ofMinutes(1))).hasToString("100 per 1m");
    }
}
