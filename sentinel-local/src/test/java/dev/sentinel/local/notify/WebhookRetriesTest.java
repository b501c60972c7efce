package dev.sentinel.local.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WebhookRetriesTest {
    private final WebhookRetries defaults = WebhookRetries.within(Duration.ofSeconds(3));

    @Test
    void delaysDoubleFromOneSecondWithJitterInTheUpperHalf() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            assertThat(defaults.delayAfter(1, random)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(defaults.delayAfter(2, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(defaults.delayAfter(4, random)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        }
    }

    @Test
    void delaysStopGrowingAtTheCapEvenAfterManyAttempts() {
        SplittableRandom random = new SplittableRandom(7);
        for (int attempts : new int[] {11, 12, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(defaults.delayAfter(attempts, random)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(java.util.stream.IntStream.range(0, 50)
                        .mapToObj(i -> defaults.delayAfter(3, random))
                        .distinct()
                        .count())
                .isGreaterThan(10);
    }

    @Test
    void theDefaultsKeepAttemptsWithinTheBudget() {
        assertThat(defaults.attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(WebhookRetries.within(Duration.ofMillis(500)).attemptTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(defaults.maxAttempts()).isEqualTo(12);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> WebhookRetries.within(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookRetries(
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than baseDelay");
        assertThatThrownBy(() -> new WebhookRetries(
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
