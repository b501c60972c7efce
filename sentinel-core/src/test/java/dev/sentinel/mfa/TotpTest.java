package dev.sentinel.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {
    /** RFC 6238 appendix B: the SHA1 seed is the 20 ASCII bytes "12345678901234567890". */
    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    private static final Totp SIX = new Totp();
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_015L);

    @ParameterizedTest
    @CsvSource({
        "59, 1, 94287082",
        "1111111109, 37037036, 07081804",
        "1111111111, 37037037, 14050471",
        "1234567890, 41152263, 89005924",
        "2000000000, 66666666, 69279037",
        "20000000000, 666666666, 65353130"
    })
    void producesTheRfc6238Sha1Vectors(long epochSecond, long expectedStep, String expectedCode) {
        Totp totp = new Totp(8, Duration.ofSeconds(30));
        Instant time = Instant.ofEpochSecond(epochSecond);

        assertThat(totp.step(time)).isEqualTo(expectedStep);
        assertThat(totp.code(RFC_SECRET, expectedStep)).isEqualTo(expectedCode);
        assertThat(totp.matchingStep(RFC_SECRET, expectedCode, time)).hasValue(expectedStep);
    }

    @Test
    void keepsLeadingZeros() {
        assertThat(new Totp(8, Duration.ofSeconds(30)).code(RFC_SECRET, 37037036))
                .isEqualTo("07081804");
    }

    @Test
    void acceptsTheCurrentStepAndOneStepEitherSide() {
        long current = SIX.step(NOW);

        assertThat(SIX.matchingStep(RFC_SECRET, SIX.code(RFC_SECRET, current), NOW))
                .hasValue(current);
        assertThat(SIX.matchingStep(RFC_SECRET, SIX.code(RFC_SECRET, current - 1), NOW))
                .hasValue(current - 1);
        assertThat(SIX.matchingStep(RFC_SECRET, SIX.code(RFC_SECRET, current + 1), NOW))
                .hasValue(current + 1);
    }

    @Test
    void refusesACodeTwoStepsAway() {
        long current = SIX.step(NOW);
        String twoBack = SIX.code(RFC_SECRET, current - 2);
        String twoAhead = SIX.code(RFC_SECRET, current + 2);
        // The test means something only if these codes differ from the three accepted ones.
        assertThat(twoBack)
                .isNotIn(
                        SIX.code(RFC_SECRET, current - 1),
                        SIX.code(RFC_SECRET, current),
                        SIX.code(RFC_SECRET, current + 1));
        assertThat(twoAhead)
                .isNotIn(
                        SIX.code(RFC_SECRET, current - 1),
                        SIX.code(RFC_SECRET, current),
                        SIX.code(RFC_SECRET, current + 1));

        assertThat(SIX.matchingStep(RFC_SECRET, twoBack, NOW)).isEmpty();
        assertThat(SIX.matchingStep(RFC_SECRET, twoAhead, NOW)).isEmpty();
    }

    @Test
    void refusesTheRightCodeForAnotherSecret() {
        String code = SIX.code(RFC_SECRET, SIX.step(NOW));
        byte[] other = "09876543210987654321".getBytes(StandardCharsets.US_ASCII);

        assertThat(SIX.matchingStep(other, code, NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "12345a", "12 345", "-12345", "１２３４５６", "123456\n"})
    void refusesCodesThatAreNotExactlySixDigits(String code) {
        assertThat(SIX.matchingStep(RFC_SECRET, code, NOW)).isEmpty();
    }

    @Test
    void refusesTheRightDigitsWithSomethingAround() {
        String code = SIX.code(RFC_SECRET, SIX.step(NOW));

        assertThat(SIX.matchingStep(RFC_SECRET, " " + code, NOW)).isEmpty();
        assertThat(SIX.matchingStep(RFC_SECRET, code + "0", NOW)).isEmpty();
        assertThat(SIX.matchingStep(RFC_SECRET, code.substring(1), NOW)).isEmpty();
    }

    @Test
    void atTheEpochThereIsNoEarlierStep() {
        Instant epoch = Instant.EPOCH;

        assertThat(SIX.matchingStep(RFC_SECRET, SIX.code(RFC_SECRET, 0), epoch)).hasValue(0L);
        assertThat(SIX.matchingStep(RFC_SECRET, SIX.code(RFC_SECRET, 1), epoch)).hasValue(1L);
        assertThatThrownBy(() -> SIX.code(RFC_SECRET, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongerPeriodGroupsMoreSeconds() {
        Totp minute = new Totp(6, Duration.ofSeconds(60));

        assertThat(minute.step(Instant.ofEpochSecond(59))).isZero();
        assertThat(minute.step(Instant.ofEpochSecond(60))).isEqualTo(1);
        assertThat(minute.period()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void refusesBadSettingsAndAnEmptySecret() {
        assertThatThrownBy(() -> new Totp(5, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6, 7 or 8 digits");
        assertThatThrownBy(() -> new Totp(9, Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Totp(6, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive whole number of seconds");
        assertThatThrownBy(() -> new Totp(6, Duration.ofMillis(1500))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SIX.matchingStep(new byte[0], "123456", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret is empty");
    }

    @Test
    void worksWithABase32SecretAsAppsShowIt() {
        byte[] secret = Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq");

        assertThat(secret).isEqualTo(RFC_SECRET);
        assertThat(new Totp(8, Duration.ofSeconds(30)).matchingStep(secret, "94287082", Instant.ofEpochSecond(59)))
                .hasValue(1L);
    }
}
