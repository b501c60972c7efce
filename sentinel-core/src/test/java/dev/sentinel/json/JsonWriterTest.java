package dev.sentinel.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.audit.DecisionEntry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void escapesEverythingJsonRequires() {
        String json = JsonWriter.object()
                .field("s", "q\"b\\n\nt\tc\u0001 ls\u2028 lone\ud800")
                .close();
        assertThat(json).isEqualTo("{\"s\":\"q\\\"b\\\\n\\nt\\tc\\u0001 ls\\u2028 lone\\ud800\"}");
    }

    @Test
    void keepsValidSurrogatePairsAndFieldOrder() {
        assertThat(JsonWriter.object()
                        .field("z", "😀")
                        .field("a", 1)
                        .field("m", true)
                        .field("n", (String) null)
                        .close())
                .isEqualTo("{\"z\":\"😀\",\"a\":1,\"m\":true}");
    }

    @Test
    void decisionEntriesHaveAFixedFieldOrder() {
        DecisionEntry entry = new DecisionEntry(
                Instant.parse("2026-11-22T10:00:00Z"),
                "abcdefghij",
                DecisionEntry.REFUSED,
                "prod",
                "cli",
                "alice",
                null,
                "deny",
                "no-prod",
                0,
                "closed",
                "POLICY_DENIED",
                null,
                null,
                null,
                null,
                "p.yaml",
                "00",
                null,
                null);
        assertThat(entry.toJson())
                .isEqualTo(
                        "{\"type\":\"decision\",\"time\":\"2026-11-22T10:00:00Z\",\"decision_id\":\"abcdefghij\","
                                + "\"outcome\":\"refused\",\"profile\":\"prod\",\"mode\":\"cli\",\"user\":\"alice\",\"effect\":\"deny\",\"rule\":\"no-prod\","
                                + "\"rule_index\":0,\"reason\":\"closed\",\"code\":\"POLICY_DENIED\",\"policy_source\":\"p.yaml\",\"policy_sha256\":\"00\"}");
    }
}
