package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One policy rule. {@code line} is where it starts in its source (1-based), for traces and lint.
 * {@code maxDuration} caps the credential lifetime the rule grants; {@code maxServerDuration} caps it in
 * server mode. Either may be null (no cap).
 */
public record Rule(
        String name,
        Effect effect,
        Conditions conditions,
        String reason,
        Duration maxDuration,
        Duration maxServerDuration,
        int line) {

    public Rule {
        requireNonNull(name, "name is null");
        requireNonNull(effect, "effect is null");
        requireNonNull(conditions, "conditions is null");
        reason = reason == null ? "" : reason;
    }
}
