package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

/**
 * A lint warning: the policy is valid but probably does not say what its author meant. {@code check}
 * is a stable name ({@code unreachable-rule}, {@code allow-before-deny}, …); {@code line} is the rule
 * the finding is about.
 */
public record LintFinding(String check, String rule, int line, String message, String hint) {
    public LintFinding {
        requireNonNull(check, "check is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(message, "message is null");
        requireNonNull(hint, "hint is null");
    }
}
