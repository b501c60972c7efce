package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** The break-glass policy: the first rule that covers the user and profile applies; none means refused. */
public record BreakGlassPolicy(List<BreakGlassRule> rules) {
    public BreakGlassPolicy {
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
    }

    public Optional<BreakGlassRule> ruleFor(String user, String profile) {
        for (BreakGlassRule rule : rules) {
            if (rule.covers(user, profile)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
