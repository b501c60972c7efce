package dev.sentinel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityProofTest {
    private static final String SIGNATURE =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request,"
                    + " SignedHeaders=host;x-amz-date;x-sentinel-server-id, Signature=" + "a".repeat(64);

    private static IdentityProof proof() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", SIGNATURE);
        headers.put("X-Amz-Date", "20260101T000000Z");
        headers.put("X-Amz-Security-Token", "session-token-secret");
        headers.put("X-Sentinel-Server-ID", "tvm.example.com");
        return new IdentityProof("POST", "https://sts.amazonaws.com/", IdentityProof.GET_CALLER_IDENTITY_BODY, headers);
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void survivesTheWireUnchanged() {
        IdentityProof decoded = IdentityProof.decode(proof().encode());

        assertThat(decoded.method()).isEqualTo("POST");
        assertThat(decoded.url()).isEqualTo("https://sts.amazonaws.com/");
        assertThat(decoded.body()).isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(decoded.headers()).containsExactlyEntriesOf(proof().headers());
        assertThat(decoded.header("x-sentinel-server-id")).contains("tvm.example.com");
        assertThat(proof().encode()).matches("[A-Za-z0-9_-]+");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not base64!",
                "{\"method\":\"POST\"}",
                "{\"method\":\"POST\",\"url\":\"u\",\"body\":\"b\"}",
                "{\"method\":\"POST\",\"url\":\"u\",\"body\":\"b\",\"headers\":{},\"extra\":1}",
                "{\"method\":1,\"url\":\"u\",\"body\":\"b\",\"headers\":{}}",
                "{\"method\":\"POST\",\"url\":\"u\",\"body\":\"b\",\"headers\":[]}",
                "{\"method\":\"POST\",\"url\":\"u\",\"body\":\"b\",\"headers\":{\"a\":1}}",
                "{\"method\":\"POST\",\"url\":\"u\",\"body\":\"b\",\"headers\":{\"Host\":\"a\",\"host\":\"b\"}}",
            })
    void refusesAnythingButAWellFormedProof(String json) {
        String encoded = json.startsWith("{") ? encode(json) : json;

        assertThatThrownBy(() -> IdentityProof.decode(encoded))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void refusesAnEmptyOrOversizedHeader() {
        assertThatThrownBy(() -> IdentityProof.decode("")).isInstanceOf(SentinelException.class);
        assertThatThrownBy(() -> IdentityProof.decode("A".repeat(IdentityProof.MAX_ENCODED_LENGTH + 1)))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("longer than");
    }

    @Test
    void neverPrintsTheSignatureOrTheSessionToken() {
        assertThat(proof().toString())
                .contains("https://sts.amazonaws.com/")
                .doesNotContain("aaaaaaaa", "session-token-secret", "AKIDEXAMPLE");
    }
}
