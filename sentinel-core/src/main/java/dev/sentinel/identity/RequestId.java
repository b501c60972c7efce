package dev.sentinel.identity;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A random identifier: ten characters of lowercase base32 (50 bits) from a cryptographic RNG. Used for
 * decision ids (which the user sees and can quote) and for approval and break-glass ids; short enough
 * that SourceIdentity keeps room for the user name.
 */
public record RequestId(String value) {
    public static final int LENGTH = 10;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[a-z2-7]{" + LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public RequestId {
        requireNonNull(value, "value is null");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("request id must be " + LENGTH + " characters of [a-z2-7]: " + value);
        }
    }

    public static RequestId random() {
        return random(RANDOM);
    }

    public static RequestId random(RandomGenerator random) {
        long bits = random.nextLong();
        char[] chars = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            chars[i] = ALPHABET[(int) (bits & 31)];
            bits >>>= 5;
        }
        return new RequestId(new String(chars));
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
