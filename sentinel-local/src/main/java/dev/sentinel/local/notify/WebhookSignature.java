package dev.sentinel.local.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every webhook delivery, one definition for the sender and for receivers
 * (docs/notifications.md). {@code X-Sentinel-Signature} is {@code v1=} followed by the lower-case hex
 * HMAC-SHA256, keyed by the shared secret, of the bytes {@code <timestamp>.<body>}, where
 * {@code <timestamp>} is the {@code X-Sentinel-Timestamp} header (Unix seconds) exactly as sent and
 * {@code <body>} the request body exactly as received.
 *
 * <p>{@link #verify} compares in constant time and refuses a timestamp further than the tolerance from
 * the receiver's clock, in either direction, so a captured delivery cannot be replayed later. Within the
 * tolerance, receivers drop repeats by {@code X-Sentinel-Delivery}.
 */
public final class WebhookSignature {
    /** The signature scheme this class implements, the prefix of the header value. */
    public static final String VERSION = "v1";
    /** A tolerance that allows for ordinary clock skew and a slow network. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final int MAX_TIMESTAMP_DIGITS = 18;

    private WebhookSignature() {}

    /** The {@code X-Sentinel-Signature} value for {@code body} sent at {@code timestamp} (Unix seconds). */
    public static String sign(byte[] secret, long timestamp, byte[] body) {
        return sign(secret, Long.toString(timestamp), body);
    }

    /**
     * Whether {@code signatureHeader} is the signature of {@code body} with {@code secret} at
     * {@code timestampHeader}, and that timestamp is within {@code tolerance} of {@code now}. False for a
     * missing or malformed header, never an exception.
     */
    public static boolean verify(
            byte[] secret,
            String timestampHeader,
            byte[] body,
            String signatureHeader,
            Instant now,
            Duration tolerance) {
        requireNonNull(secret, "secret is null");
        requireNonNull(body, "body is null");
        requireNonNull(now, "now is null");
        requireNonNull(tolerance, "tolerance is null");
        if (timestampHeader == null || signatureHeader == null || !isTimestamp(timestampHeader)) {
            return false;
        }
        long age = now.getEpochSecond() - Long.parseLong(timestampHeader);
        if (Math.abs(age) > tolerance.getSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, timestampHeader, body).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = signatureHeader.trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }

    private static String sign(byte[] secret, String timestamp, byte[] body) {
        requireNonNull(secret, "secret is null");
        requireNonNull(body, "body is null");
        if (secret.length == 0) {
            throw new IllegalArgumentException("The webhook secret is empty.");
        }
        Mac mac = Primitives.hmacSha256();
        try {
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 takes a key of any length", e);
        }
        mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '.');
        return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static boolean isTimestamp(String value) {
        if (value.isEmpty() || value.length() > MAX_TIMESTAMP_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
