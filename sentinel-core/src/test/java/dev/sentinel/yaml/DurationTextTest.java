package dev.sentinel.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {
    @Test
    void parsesHoursMinutesAndSeconds() {
        assertThat(DurationText.parse("90s")).contains(Duration.ofSeconds(90));
        assertThat(DurationText.parse("15m")).contains(Duration.ofMinutes(15));
        assertThat(DurationText.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(DurationText.parse("1h0m5s")).contains(Duration.ofSeconds(3605));
        assertThat(DurationText.parse(" 2h ")).contains(Duration.ofHours(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "h", "1d", "1.5h", "30m1h", "-5m", "15", "1 h", "PT1H"})
    void refusesAnythingElse(String text) {
        assertThat(DurationText.parse(text)).isEmpty();
    }

    @Test
    void refusesNull() {
        assertThat(DurationText.parse(null)).isEmpty();
    }

    @Test
    void formatsAsItParses() {
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(DurationText.format(Duration.ofSeconds(3605))).isEqualTo("1h5s");
        assertThat(DurationText.format(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        for (long seconds = 0; seconds < 50_000; seconds += 37) {
            Duration duration = Duration.ofSeconds(seconds);
            assertThat(DurationText.parse(DurationText.format(duration))).contains(duration);
        }
    }
}
