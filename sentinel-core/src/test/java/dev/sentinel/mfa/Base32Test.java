package dev.sentinel.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {
    /** RFC 4648 section 10. */
    @ParameterizedTest
    @CsvSource({
        "f, MY======",
        "fo, MZXQ====",
        "foo, MZXW6===",
        "foob, MZXW6YQ=",
        "fooba, MZXW6YTB",
        "foobar, MZXW6YTBOI======"
    })
    void decodesTheRfc4648Vectors(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

        assertThat(Base32.decode(encoded)).isEqualTo(bytes);
        assertThat(Base32.encode(bytes)).isEqualTo(encoded.replace("=", ""));
    }

    @Test
    void ignoresCaseSpacesAndPadding() {
        assertThat(Base32.decode("mzxw 6ytb oi== ====")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        assertThat(Base32.decode("JBSWY3DPEHPK3PXP"))
                .isEqualTo(
                        new byte[] {'H', 'e', 'l', 'l', 'o', '!', (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    }

    @Test
    void roundTripsAnyBytes() {
        Random random = new Random(42);
        for (int length = 1; length <= 64; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertThat(Base32.decode(Base32.encode(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void refusesCharactersOutsideTheAlphabetWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> Base32.decode("MZXW1YTB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 5")
                .hasMessageContaining("A-Z")
                .hasMessageNotContaining("MZXW");
        assertThatThrownBy(() -> Base32.decode("MZXW-YTB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base32.decode("MZXW\tYTB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base32.decode("MZXWıYTB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base32.decode("MZXW0YTB")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnEmptySecretAndATruncatedOne() {
        assertThatThrownBy(() -> Base32.decode(" == "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Base32.decode("MZXW6YTBO"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copied completely");
    }
}
