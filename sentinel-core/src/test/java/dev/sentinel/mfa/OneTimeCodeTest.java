package dev.sentinel.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OneTimeCodeTest {
    @Test
    void codesAreSixDigitsAndKeepLeadingZeros() {
        assertThat(OneTimeCode.generate(new FixedRandom(42))).isEqualTo("000042");
        assertThat(OneTimeCode.generate(new FixedRandom(0))).isEqualTo("000000");
        assertThat(OneTimeCode.generate(new FixedRandom(999_999))).isEqualTo("999999");
    }

    @Test
    void codesAreSpreadEvenlyOverAllSixDigitValues() {
        int draws = 20_000;
        int[] firstDigit = new int[10];
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < draws; i++) {
            String code = OneTimeCode.generate();
            assertThat(code).matches("[0-9]{6}");
            firstDigit[code.charAt(0) - '0']++;
            distinct.add(code);
        }
        // 2,000 expected per leading digit, standard deviation about 42: 400 away is not chance.
        for (int count : firstDigit) {
            assertThat(count).isBetween(1_600, 2_400);
        }
        // Among 20,000 draws from a million values about 200 repeat; a weak generator repeats far more.
        assertThat(distinct).hasSizeGreaterThan(19_000);
    }

    @Test
    void aStoredHashMatchesOnlyItsCode() {
        String stored = OneTimeCode.hash("012345");

        assertThat(stored).matches("[0-9a-f]{32}:[0-9a-f]{64}");
        assertThat(stored).doesNotContain("012345");
        assertThat(OneTimeCode.matches("012345", stored)).isTrue();
        assertThat(OneTimeCode.matches("012346", stored)).isFalse();
        assertThat(OneTimeCode.matches("12345", stored)).isFalse();
        assertThat(OneTimeCode.matches("", stored)).isFalse();
    }

    @Test
    void theSameCodeHashesDifferentlyEachTime() {
        assertThat(OneTimeCode.hash("123456")).isNotEqualTo(OneTimeCode.hash("123456"));
    }

    @Test
    void aMalformedStoredValueMatchesNothing() {
        String stored = OneTimeCode.hash("123456");

        assertThat(OneTimeCode.matches("123456", "")).isFalse();
        assertThat(OneTimeCode.matches("123456", "123456")).isFalse();
        assertThat(OneTimeCode.matches("123456", stored.replace(':', '-'))).isFalse();
        assertThat(OneTimeCode.matches("123456", stored.substring(0, stored.length() - 2)))
                .isFalse();
        assertThat(OneTimeCode.matches("123456", stored.substring(0, 32) + ":" + "zz".repeat(32)))
                .isFalse();
        assertThat(OneTimeCode.matches("123456", stored.substring(33) + ":" + stored.substring(0, 32)))
                .isFalse();
    }

    @Test
    void aTamperedHashOrSaltMatchesNothing() {
        String stored = OneTimeCode.hash("123456");
        char last = stored.charAt(stored.length() - 1);
        String otherMac = stored.substring(0, stored.length() - 1) + (last == '0' ? '1' : '0');
        char first = stored.charAt(0);
        String otherSalt = (first == '0' ? '1' : '0') + stored.substring(1);

        assertThat(OneTimeCode.matches("123456", otherMac)).isFalse();
        assertThat(OneTimeCode.matches("123456", otherSalt)).isFalse();
    }

    /** Draws one fixed value, to pin the formatting. */
    private static final class FixedRandom implements java.util.random.RandomGenerator {
        private final int value;

        FixedRandom(int value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return new SplittableRandom(value).nextLong();
        }

        @Override
        public int nextInt(int bound) {
            assertThat(bound).isEqualTo(1_000_000);
            return value;
        }
    }
}
