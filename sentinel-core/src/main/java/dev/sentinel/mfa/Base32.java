package dev.sentinel.mfa;

import static java.util.Objects.requireNonNull;

/**
 * Base32 as RFC 4648 section 6 defines it, for TOTP secrets as authenticator apps show them. Decoding is
 * case-insensitive and ignores spaces and {@code '='} padding, so a secret copied in groups or with
 * padding reads the same. Any other character is refused; the error gives its position, never the
 * secret.
 */
public final class Base32 {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Base32() {}

    /**
     * @throws IllegalArgumentException when {@code text} holds a character outside the alphabet, holds no
     *     character at all, or has a length that no whole number of bytes encodes (a truncated copy)
     */
    public static byte[] decode(String text) {
        requireNonNull(text, "text is null");
        int[] values = new int[text.length()];
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '=') {
                continue;
            }
            int value = ALPHABET.indexOf(Character.toUpperCase(c));
            if (c > 0x7f || value < 0) {
                throw new IllegalArgumentException("The base32 secret has a character that is not allowed at position "
                        + (i + 1) + ": use only the letters A-Z and the digits 2-7 (spaces and '=' are ignored).");
            }
            values[count++] = value;
        }
        if (count == 0) {
            throw new IllegalArgumentException("The base32 secret is empty.");
        }
        int remainder = count % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new IllegalArgumentException("The base32 secret has " + count
                    + " characters, a length that no whole number of bytes has: check that it was copied completely.");
        }
        byte[] out = new byte[count * 5 / 8];
        long buffer = 0;
        int bits = 0;
        int next = 0;
        for (int i = 0; i < count; i++) {
            buffer = (buffer << 5) | values[i];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[next++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    /** Upper-case base32 without padding, the form authenticator apps and {@code otpauth://} URIs use. */
    public static String encode(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET.charAt((buffer >>> bits) & 31));
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
