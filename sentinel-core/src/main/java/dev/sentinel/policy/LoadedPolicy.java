package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A policy with where it came from and the SHA-256 of its exact bytes, for the decision log. */
public record LoadedPolicy(Policy policy, String source, String sha256) {
    public LoadedPolicy {
        requireNonNull(policy, "policy is null");
        requireNonNull(source, "source is null");
        requireNonNull(sha256, "sha256 is null");
    }

    /** Parses and validates {@code text}; see {@link PolicyParser#parse}. */
    public static LoadedPolicy parse(String source, String text) {
        return new LoadedPolicy(PolicyParser.parse(source, text), source, sha256Hex(text));
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
