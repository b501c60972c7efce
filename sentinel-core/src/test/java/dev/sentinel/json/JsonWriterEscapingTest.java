package dev.sentinel.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriterEscapingTest {
    @Test
    void escapesQuotesAndBackslashes() {
        assertThat(JsonWriter.quote("say \"hi\" C:\\temp\\")).isEqualTo("\"say \\\"hi\\\" C:\\\\temp\\\\\"");
    }

    @Test
    void escapesControlCharacters() {
        assertThat(JsonWriter.quote("a\nb\rc\td")).isEqualTo("\"a\\nb\\rc\\td\"");
        assertThat(JsonWriter.quote("\u0000\u0001\u0008\u000c\u001b\u001f"))
                .isEqualTo("\"\\u0000\\u0001\\u0008\\u000c\\u001b\\u001f\"");
        assertThat(JsonWriter.quote(" ~\u007f")).isEqualTo("\" ~\u007f\"");
    }

    @Test
    void escapesLineAndParagraphSeparators() {
        assertThat(JsonWriter.quote("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
    }

    @Test
    void escapesLoneSurrogatesButKeepsPairs() {
        assertThat(JsonWriter.quote("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
        assertThat(JsonWriter.quote("x\uD83Dy")).isEqualTo("\"x\\ud83dy\"");
        assertThat(JsonWriter.quote("x\uDE00y")).isEqualTo("\"x\\ude00y\"");
        assertThat(JsonWriter.quote("\uD83D")).isEqualTo("\"\\ud83d\"");
        assertThat(JsonWriter.quote("\uDE00\uD83D")).isEqualTo("\"\\ude00\\ud83d\"");
        assertThat(JsonWriter.quote("\uD83D\uD83D\uDE00")).isEqualTo("\"\\ud83d\uD83D\uDE00\"");
        assertThat(JsonWriter.quote("\uD83D\uDE00\uDE00")).isEqualTo("\"\uD83D\uDE00\\ude00\"");
    }

    @Test
    void keepsOtherUnicodeAsIs() {
        assertThat(JsonWriter.quote("josé 日本 Ω")).isEqualTo("\"josé 日本 Ω\"");
    }

    @Test
    void everyEscapedStringIsSingleLineAndWellFormedUtf16() {
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 5_000; i++) {
            char[] chars = new char[random.nextInt(20)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            String quoted = JsonWriter.quote(new String(chars));

            assertThat(quoted)
                    .doesNotContain("\n", "\r", "\u2028", "\u2029")
                    .startsWith("\"")
                    .endsWith("\"");
            assertThat(quoted.codePoints()
                            .noneMatch(cp -> cp < 0x20 || Character.isSurrogate((char) cp) && cp <= 0xFFFF))
                    .as(quoted)
                    .isTrue();
        }
    }

    @Test
    void writesFieldsInTheOrderTheyAreAdded() {
        String json = JsonWriter.object()
                .field("zeta", "z")
                .field("alpha", 1L)
                .field("mid", Integer.valueOf(7))
                .field("flag", true)
                .rawField("list", JsonWriter.array(List.of("b", "a")))
                .close();

        assertThat(json).isEqualTo("{\"zeta\":\"z\",\"alpha\":1,\"mid\":7,\"flag\":true,\"list\":[\"b\",\"a\"]}");
    }

    @Test
    void skipsNullFields() {
        String json = JsonWriter.object()
                .field("a", (String) null)
                .field("b", "x")
                .field("c", (Integer) null)
                .rawField("d", null)
                .field("e", false)
                .close();

        assertThat(json).isEqualTo("{\"b\":\"x\",\"e\":false}");
        assertThat(JsonWriter.object().close()).isEqualTo("{}");
    }

    @Test
    void escapesFieldNamesAndArrayEntries() {
        assertThat(JsonWriter.object().field("we\"ird", "v").close()).isEqualTo("{\"we\\\"ird\":\"v\"}");
        assertThat(JsonWriter.array(List.of("a\"", "\n"))).isEqualTo("[\"a\\\"\",\"\\n\"]");
        assertThat(JsonWriter.array(List.of())).isEqualTo("[]");
    }

    @Test
    void openTextIsEverythingButTheClosingBrace() {
        JsonWriter writer = JsonWriter.object().field("a", "b");
        String open = writer.openText();

        assertThat(open).isEqualTo("{\"a\":\"b\"");
        assertThat(writer.close()).isEqualTo(open + "}");
    }

    @Test
    void closeIsIdempotentAndFieldsAfterCloseAreRefused() {
        JsonWriter writer = JsonWriter.object().field("a", 1L);

        assertThat(writer.close()).isEqualTo(writer.close()).isEqualTo("{\"a\":1}");
        assertThatIllegalStateException().isThrownBy(() -> writer.field("b", 2L));
    }
}
