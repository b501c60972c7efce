package dev.sentinel.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {
    @Test
    void readsObjectsInDocumentOrderWithEveryKindOfValue() {
        Map<String, Object> doc = JsonReader.parseObject(
                " {\"b\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\", \"a\": [1, -2.5e3, true, false, null], \"c\": {}} ");

        assertThat(doc.keySet()).containsExactly("b", "a", "c");
        assertThat(doc.get("b")).isEqualTo("x\"y\\z\né\uD83D\uDE00");
        assertThat(doc.get("a"))
                .isEqualTo(java.util.Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null));
        assertThat((Map<?, ?>) doc.get("c")).isEmpty();
    }

    @Test
    void readsWhatJsonWriterWrites() {
        String written = JsonWriter.object()
                .field("name", "tab\there \u2028 \"quoted\"")
                .field("count", 3L)
                .rawField("list", JsonWriter.array(List.of("a", "b")))
                .close();

        Map<String, Object> doc = JsonReader.parseObject(written);

        assertThat(doc.get("name")).isEqualTo("tab\there \u2028 \"quoted\"");
        assertThat(doc.get("count")).isEqualTo(new BigDecimal("3"));
        assertThat(doc.get("list")).isEqualTo(List.of("a", "b"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "{\"a\":1,}",
                "[1,]",
                "{\"a\":1} x",
                "{\"a\":1,\"a\":2}",
                "{a:1}",
                "\"tab\there\"",
                "\"\\ud800\"",
                "\"\\x41\"",
                "\"\\u12\"",
                "01",
                "1.",
                "-",
                "1e",
                "tru",
                "nul",
                "'single'",
                "\"unterminated",
                "{\"a\" 1}",
            })
    void refusesAnythingThatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        String allowed = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);

        assertThat(JsonReader.parse(allowed)).isInstanceOf(List.class);
        assertThatThrownBy(() -> JsonReader.parse(deep)).hasMessageContaining("nested deeper");
    }

    @Test
    void errorsNameTheOffsetButNeverTheInput() {
        assertThatThrownBy(() -> JsonReader.parse("{\"secret\":\"s3cr3t-value\" oops}"))
                .hasMessageContaining("offset 25")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void anObjectIsRequiredWhereOneIsExpected() {
        assertThatThrownBy(() -> JsonReader.parseObject("[1]")).hasMessageContaining("not an object");
    }
}
