package dev.sentinel.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * The JDK algorithms Sentinel uses, looked up in the JDK provider that implements them. Asking for an
 * algorithm without a provider makes the JDK load and probe every installed provider in turn, which
 * costs a credential_process call tens of milliseconds; naming the provider loads only that one. On a
 * JDK without that provider the ordinary lookup is used.
 */
public final class Primitives {
    private static final String JCE = "SunJCE";
    private static final String SUN = "SUN";

    private Primitives() {}

    public static Mac hmacSha256() {
        try {
            try {
                return Mac.getInstance("HmacSHA256", JCE);
            } catch (NoSuchProviderException e) {
                return Mac.getInstance("HmacSHA256");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** HMAC-SHA1, for TOTP (RFC 6238) only: authenticator apps compute it. */
    public static Mac hmacSha1() {
        try {
            try {
                return Mac.getInstance("HmacSHA1", JCE);
            } catch (NoSuchProviderException e) {
                return Mac.getInstance("HmacSHA1");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    public static Cipher aesGcm() {
        try {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding", JCE);
            } catch (NoSuchProviderException e) {
                return Cipher.getInstance("AES/GCM/NoPadding");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every JDK", e);
        }
    }

    public static MessageDigest sha256() {
        try {
            try {
                return MessageDigest.getInstance("SHA-256", SUN);
            } catch (NoSuchProviderException e) {
                return MessageDigest.getInstance("SHA-256");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
