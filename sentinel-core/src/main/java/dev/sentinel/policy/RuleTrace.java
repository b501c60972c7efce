package dev.sentinel.policy;

/**
 * Why one rule did or did not match. {@code failed} is null when it matched; {@code detail} says in
 * words what was compared. Rules after the first match are reported as not considered.
 */
public record RuleTrace(
        int index, String name, Effect effect, int line, Status status, Conditions.Part failed, String detail) {
    public enum Status {
        MATCHED,
        NOT_MATCHED,
        NOT_CONSIDERED
    }
}
