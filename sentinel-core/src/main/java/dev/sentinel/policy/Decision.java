package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The result of evaluating a policy: the effect, the rule that decided it (or none: default deny), and
 * the reason. The explain trace is computed on demand from the same pure inputs, so the fast path pays
 * nothing for it and the trace can never disagree with the decision.
 */
public record Decision(Effect effect, Rule rule, int ruleIndex, Policy policy, EvaluationRequest request) {
    public static final String NO_MATCH_REASON = "no rule matched; Sentinel denies by default";

    public Decision {
        requireNonNull(effect, "effect is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(request, "request is null");
        if ((rule == null) != (ruleIndex < 0)) {
            throw new IllegalArgumentException("a decision without a rule has index -1, and only then");
        }
    }

    public boolean matched() {
        return rule != null;
    }

    public String ruleName() {
        return rule == null ? null : rule.name();
    }

    public String reason() {
        if (rule == null) {
            return NO_MATCH_REASON;
        }
        return rule.reason().isEmpty() ? "rule '" + rule.name() + "' (" + effect.yamlName() + ")" : rule.reason();
    }

    public List<RuleTrace> trace() {
        return policy.trace(request);
    }
}
