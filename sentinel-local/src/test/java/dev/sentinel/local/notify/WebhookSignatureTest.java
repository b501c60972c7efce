package dev.sentinel.local.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final byte[] SECRET = "whsec-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "{\"type\":\"request.created\"}".getBytes(StandardCharsets.UTF_8);
    private static final long TIMESTAMP = 1_700_000_000L;
    private static final Instant NOW = Instant.ofEpochSecond(TIMESTAMP + 10);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static boolean verify(String timestamp, byte[] body, String header, Instant now) {
        return WebhookSignature.verify(SECRET, timestamp, body, header, now, TOLERANCE);
    }

    @Test
    void isHmacSha256OverTimestampDotBody() {
        // Computed independently: printf '1700000000.{"type":"request.created"}' |
        //   openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
        assertThat(WebhookSignature.sign(SECRET, TIMESTAMP, BODY))
                .isEqualTo("v1=" + "322cd671f6ff5764ec29f68c68dd80c3b798d5a3d75e5a6be3c8599424c2d830");
    }

    @Test
    void acceptsItsOwnSignature() {
        String header = WebhookSignature.sign(SECRET, TIMESTAMP, BODY);

        assertThat(verify(Long.toString(TIMESTAMP), BODY, header, NOW)).isTrue();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, " " + header + " ", NOW))
                .isTrue();
    }

    @Test
    void refusesATamperedBodyTimestampOrSignature() {
        String header = WebhookSignature.sign(SECRET, TIMESTAMP, BODY);
        byte[] tampered = "{\"type\":\"request.approved\"}".getBytes(StandardCharsets.UTF_8);
        char last = header.charAt(header.length() - 1);
        String flipped = header.substring(0, header.length() - 1) + (last == '0' ? '1' : '0');

        assertThat(verify(Long.toString(TIMESTAMP), tampered, header, NOW)).isFalse();
        assertThat(verify(Long.toString(TIMESTAMP + 1), BODY, header, NOW)).isFalse();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, flipped, NOW)).isFalse();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, header.toUpperCase(), NOW))
                .isFalse();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, header.substring(3), NOW))
                .isFalse();
    }

    @Test
    void refusesStaleAndFutureTimestamps() {
        String header = WebhookSignature.sign(SECRET, TIMESTAMP, BODY);
        Instant justInTime = Instant.ofEpochSecond(TIMESTAMP).plus(TOLERANCE);

        assertThat(verify(Long.toString(TIMESTAMP), BODY, header, justInTime)).isTrue();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, header, justInTime.plusSeconds(1)))
                .isFalse();
        assertThat(verify(
                        Long.toString(TIMESTAMP),
                        BODY,
                        header,
                        Instant.ofEpochSecond(TIMESTAMP).minus(TOLERANCE)))
                .isTrue();
        assertThat(verify(
                        Long.toString(TIMESTAMP),
                        BODY,
                        header,
                        Instant.ofEpochSecond(TIMESTAMP).minus(TOLERANCE).minusSeconds(1)))
                .isFalse();
    }

    @Test
    void refusesMissingOrMalformedHeadersWithoutThrowing() {
        String header = WebhookSignature.sign(SECRET, TIMESTAMP, BODY);

        assertThat(verify(null, BODY, header, NOW)).isFalse();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, null, NOW)).isFalse();
        assertThat(verify("", BODY, header, NOW)).isFalse();
        assertThat(verify("-1700000000", BODY, header, NOW)).isFalse();
        assertThat(verify("1700000000.5", BODY, header, NOW)).isFalse();
        assertThat(verify("99999999999999999999999", BODY, header, NOW)).isFalse();
        assertThat(verify(Long.toString(TIMESTAMP), BODY, "", NOW)).isFalse();
    }
}
