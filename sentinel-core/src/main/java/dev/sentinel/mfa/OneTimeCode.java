package dev.sentinel.mfa;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Six-digit one-time codes sent by SMS, and the salted hash that is stored instead of the code
 * ({@link MfaChallenge#codeHash()}).
 *
 * <p>Codes are uniform over {@code 000000}–{@code 999999} from a cryptographic RNG; leading zeros are
 * kept. The stored form is {@code <salt>:<mac>} in lower-case hex: a fresh 16-byte random salt and
 * HMAC-SHA256 of the code keyed by that salt. A million possible codes make any hash of one guessable
 * offline, so the hash only keeps the code out of plain sight; what protects a code is that a challenge
 * expires and allows one attempt ({@link MfaStore#takeChallenge}). {@link #matches} compares in constant
 * time and answers false, never throws, for a stored value that is not of this form.
 */
public final class OneTimeCode {
    public static final int DIGITS = 6;

    private static final int BOUND = 1_000_000;
    private static final int SALT_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private OneTimeCode() {}

    /** A new code from the shared cryptographic RNG. */
    public static String generate() {
        return generate(RANDOM);
    }

    /** A new code drawn from {@code random}; pass a cryptographic RNG outside tests. */
    public static String generate(RandomGenerator random) {
        String value = Integer.toString(random.nextInt(BOUND));
        return "0".repeat(DIGITS - value.length()) + value;
    }

    /** The salted hash to store for {@code code}; different every time, even for the same code. */
    public static String hash(String code) {
        requireNonNull(code, "code is null");
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return HEX.formatHex(salt) + ":" + HEX.formatHex(mac(salt, code));
    }

    /** Whether {@code code} is the code that {@code stored} (from {@link #hash}) was made from. */
    public static boolean matches(String code, String stored) {
        requireNonNull(code, "code is null");
        requireNonNull(stored, "stored is null");
        int colon = stored.indexOf(':');
        if (colon != SALT_BYTES * 2 || stored.length() != colon + 1 + MAC_BYTES * 2) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = HEX.parseHex(stored, 0, colon);
            expected = HEX.parseHex(stored, colon + 1, stored.length());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(mac(salt, code), expected);
    }

    private static byte[] mac(byte[] salt, String code) {
        Mac mac = Primitives.hmacSha256();
        try {
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 takes a 16-byte key", e);
        }
        return mac.doFinal(code.getBytes(StandardCharsets.UTF_8));
    }
}
