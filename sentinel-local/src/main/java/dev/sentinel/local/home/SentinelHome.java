package dev.sentinel.local.home;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The Sentinel home directory ({@code SENTINEL_HOME}, default {@code ~/.sentinel}) and the layout of the
 * embedded defaults inside it.
 */
public record SentinelHome(Path root) {
    public SentinelHome {
        requireNonNull(root, "root is null");
        root = root.toAbsolutePath().normalize();
    }

    public Path configFile() {
        return root.resolve("config.yaml");
    }

    public Path policyDirectory() {
        return root.resolve("policies");
    }

    public Path decisionLog() {
        return root.resolve("logs").resolve("decisions.jsonl");
    }

    public Path logKey() {
        return root.resolve("keys").resolve("log-hmac.key");
    }

    public Path cacheKey() {
        return root.resolve("keys").resolve("cache-aes.key");
    }

    public Path policySigningKey() {
        return root.resolve("keys").resolve("policy-ed25519.key");
    }

    /** The public half of the local policy-signing key: give it to whoever verifies. */
    public Path policyPublicKey() {
        return root.resolve("keys").resolve("policy-ed25519.pub");
    }

    public Path credentialCache() {
        return root.resolve("cache").resolve("credentials");
    }

    public Path stateDatabase() {
        return root.resolve("state").resolve("sentinel.db");
    }

    public Path policyCache() {
        return root.resolve("cache").resolve("policies");
    }

    /** Webhook deliveries that have not arrived yet, and under {@code failed/} those given up. */
    public Path webhookOutbox() {
        return root.resolve("outbox").resolve("webhook");
    }
}
