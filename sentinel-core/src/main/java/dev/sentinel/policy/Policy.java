package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed, validated policy: an ordered list of rules, first match wins, no match means deny. Immutable
 * and safe to share; evaluation is pure and allocates only the returned decision.
 */
public final class Policy {
    private final List<Rule> rules;
    private final Rule[] ruleArray;

    public Policy(List<Rule> rules) {
        this.rules = List.copyOf(requireNonNull(rules, "rules is null"));
        this.ruleArray = this.rules.toArray(new Rule[0]);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Decision evaluate(EvaluationRequest request) {
        long epochSecond = request.time().getEpochSecond();
        ZoneRules cachedRules = null;
        long cachedLocal = 0;
        for (int i = 0; i < ruleArray.length; i++) {
            Rule rule = ruleArray[i];
            TimeCondition time = rule.conditions().time();
            long local = 0;
            if (time != null) {
                if (time.rules() != cachedRules) {
                    cachedRules = time.rules();
                    cachedLocal =
                            epochSecond + cachedRules.getOffset(request.time()).getTotalSeconds();
                }
                local = cachedLocal;
            }
            if (rule.conditions().firstMismatch(request, local) == null) {
                return new Decision(rule.effect(), rule, i, this, request);
            }
        }
        return new Decision(Effect.DENY, null, -1, this, request);
    }

    List<RuleTrace> trace(EvaluationRequest request) {
        List<RuleTrace> trace = new ArrayList<>(ruleArray.length);
        boolean decided = false;
        for (int i = 0; i < ruleArray.length; i++) {
            Rule rule = ruleArray[i];
            if (decided) {
                trace.add(new RuleTrace(
                        i,
                        rule.name(),
                        rule.effect(),
                        rule.line(),
                        RuleTrace.Status.NOT_CONSIDERED,
                        null,
                        "not considered: an earlier rule matched"));
                continue;
            }
            TimeCondition time = rule.conditions().time();
            long local = time == null
                    ? 0
                    : request.time().getEpochSecond()
                            + time.rules().getOffset(request.time()).getTotalSeconds();
            Conditions.Part failed = rule.conditions().firstMismatch(request, local);
            if (failed == null) {
                decided = true;
                trace.add(new RuleTrace(
                        i,
                        rule.name(),
                        rule.effect(),
                        rule.line(),
                        RuleTrace.Status.MATCHED,
                        null,
                        "all conditions matched"));
            } else {
                trace.add(new RuleTrace(
                        i,
                        rule.name(),
                        rule.effect(),
                        rule.line(),
                        RuleTrace.Status.NOT_MATCHED,
                        failed,
                        rule.conditions().explainMismatch(failed, request)));
            }
        }
        return trace;
    }
}
