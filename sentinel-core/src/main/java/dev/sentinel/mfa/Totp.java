package dev.sentinel.mfa;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as RFC 6238 defines them with HMAC-SHA1, the variant authenticator apps
 * compute: {@code digits} decimal digits (6 by default) for each time step of {@code period} (30 s by
 * default) since the Unix epoch.
 *
 * <p>{@link #matchingStep} accepts the current step and one step either side (clock drift between the
 * phone and this machine), compares in constant time, and returns the step that matched. It does not
 * make a code single-use: the caller claims the step with {@link MfaStore#claimTotpStep} and refuses
 * the code when the claim fails. Immutable and thread-safe; secrets are passed in, never kept.
 */
public final class Totp {
    public static final int DEFAULT_DIGITS = 6;
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final int digits;
    private final long periodSeconds;

    /** Six digits, 30-second steps: what authenticator apps use unless told otherwise. */
    public Totp() {
        this(DEFAULT_DIGITS, DEFAULT_PERIOD);
    }

    public Totp(int digits, Duration period) {
        requireNonNull(period, "period is null");
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("A TOTP code has 6, 7 or 8 digits, not " + digits + ".");
        }
        if (period.isNegative() || period.isZero() || period.getNano() != 0) {
            throw new IllegalArgumentException(
                    "The TOTP period must be a positive whole number of seconds, not " + period + ".");
        }
        this.digits = digits;
        this.periodSeconds = period.getSeconds();
    }

    public int digits() {
        return digits;
    }

    public Duration period() {
        return Duration.ofSeconds(periodSeconds);
    }

    /** The time step that contains {@code time}: whole periods since the Unix epoch. */
    public long step(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), periodSeconds);
    }

    /** The code for time step {@code step} (RFC 4226 dynamic truncation), with leading zeros. */
    public String code(byte[] secret, long step) {
        requireSecret(secret);
        if (step < 0) {
            throw new IllegalArgumentException("A TOTP time step is never negative: " + step);
        }
        Mac mac = Primitives.hmacSha1();
        try {
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 takes a key of any length", e);
        }
        byte[] hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = (hash[offset] & 0x7f) << 24
                | (hash[offset + 1] & 0xff) << 16
                | (hash[offset + 2] & 0xff) << 8
                | (hash[offset + 3] & 0xff);
        String value = Integer.toString(binary % POWERS_OF_TEN[digits]);
        return "0".repeat(digits - value.length()) + value;
    }

    /**
     * The time step whose code is {@code code}, looking at the step that contains {@code now} and the
     * steps just before and after it; empty when none matches or when {@code code} is not exactly
     * {@link #digits()} ASCII digits. All three steps are always compared, each in constant time.
     */
    public OptionalLong matchingStep(byte[] secret, String code, Instant now) {
        requireSecret(secret);
        requireNonNull(code, "code is null");
        requireNonNull(now, "now is null");
        if (!wellFormed(code)) {
            return OptionalLong.empty();
        }
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        long matched = -1;
        for (long step = current - 1; step <= current + 1; step++) {
            if (step >= 0 && MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII), presented)) {
                matched = step;
            }
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    private boolean wellFormed(String code) {
        if (code.length() != digits) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void requireSecret(byte[] secret) {
        requireNonNull(secret, "secret is null");
        if (secret.length == 0) {
            throw new IllegalArgumentException("The TOTP secret is empty.");
        }
    }

    @Override
    public String toString() {
        return "Totp[digits=" + digits + ", period=" + periodSeconds + "s]";
    }
}
