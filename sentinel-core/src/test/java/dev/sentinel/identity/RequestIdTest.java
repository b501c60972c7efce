package dev.sentinel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdTest {
    @Test
    void isTenCharactersOfLowercaseBase32() {
        for (int i = 0; i < 1_000; i++) {
            String value = RequestId.random().value();
            assertThat(value).hasSize(RequestId.LENGTH).matches("[a-z2-7]{10}");
            assertThat(RequestId.isValid(value)).isTrue();
        }
    }

    @Test
    void tenThousandRandomIdsAreAllDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(RequestId.random().value()))
                    .as("duplicate after %d ids", i)
                    .isTrue();
        }
    }

    @Test
    void usesEveryCharacterOfTheAlphabet() {
        Set<Character> used = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            for (char c : RequestId.random().value().toCharArray()) {
                used.add(c);
            }
        }
        assertThat(used).hasSize(32);
    }

    @Test
    void isReproducibleFromAGivenGenerator() {
        assertThat(RequestId.random(new Random(7))).isEqualTo(RequestId.random(new Random(7)));
        assertThat(RequestId.random(new Random(7))).isNotEqualTo(RequestId.random(new Random(8)));
    }

    @Test
    void printsAsItsValue() {
        assertThat(new RequestId("k3v7q2m6xa")).hasToString("k3v7q2m6xa");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "k3v7q2m6x",
                "k3v7q2m6xab",
                "K3V7Q2M6XA",
                "k3v7q2m6x1",
                "k3v7q2m6x8",
                "k3v7q2m6x.",
                "k3v7q2m6x "
            })
    void refusesInvalidIds(String value) {
        assertThat(RequestId.isValid(value)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestId(value));
    }

    @Test
    void refusesNull() {
        assertThat(RequestId.isValid(null)).isFalse();
        assertThatNullPointerException().isThrownBy(() -> new RequestId(null));
    }
}
