package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A validated policy with where it came from, its exact text, and the SHA-256 of that text (which the
 * decision log records, so every decision names the policy version that made it).
 */
public record LoadedPolicy(Policy policy, String source, String text, String sha256) {
    public LoadedPolicy {
        requireNonNull(policy, "policy is null");
        requireNonNull(source, "source is null");
        requireNonNull(text, "text is null");
        requireNonNull(sha256, "sha256 is null");
    }

    /** Parses and validates {@code text}; see {@link PolicyParser#parse}. */
    public static LoadedPolicy parse(String source, String text) {
        return new LoadedPolicy(PolicyParser.parse(source, text), source, text, sha256Hex(text));
    }

    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(Primitives.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
