package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A parsed, validated policy: an ordered list of rules, first match wins, no match means deny. Immutable
 * and safe to share; evaluation is pure and allocates only the returned decision.
 */
public final class Policy {
    private final List<Rule> rules;
    private final Rule[] ruleArray;
    /** For each profile named exactly by some rule: the indexes of the rules that can match it, in order. */
    private final Map<String, int[]> candidatesByProfile;
    /** The rules that can match a profile no rule names exactly: those without a profile condition or with a glob. */
    private final int[] anyProfileCandidates;

    public Policy(List<Rule> rules) {
        this.rules = List.copyOf(requireNonNull(rules, "rules is null"));
        this.ruleArray = this.rules.toArray(new Rule[0]);
        List<Integer> anyProfile = new ArrayList<>();
        Map<String, List<Integer>> byProfile = new HashMap<>();
        for (int i = 0; i < ruleArray.length; i++) {
            NameSet profiles = ruleArray[i].conditions().profiles();
            if (profiles == null || profiles.hasGlobs()) {
                anyProfile.add(i);
            } else {
                for (String name : profiles.names()) {
                    byProfile.computeIfAbsent(name, n -> new ArrayList<>()).add(i);
                }
            }
        }
        this.anyProfileCandidates = toArray(anyProfile);
        Map<String, int[]> index = new HashMap<>();
        byProfile.forEach((profile, own) -> {
            TreeSet<Integer> merged = new TreeSet<>(own);
            merged.addAll(anyProfile);
            index.put(profile, toArray(merged));
        });
        this.candidatesByProfile = Map.copyOf(index);
    }

    private static int[] toArray(Collection<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * The first matching rule decides. Only the rules that can match the requested profile are checked
     * (an index built at load); the outcome is the same as checking every rule in order.
     */
    public Decision evaluate(EvaluationRequest request) {
        int[] candidates = candidatesByProfile.getOrDefault(request.profile().value(), anyProfileCandidates);
        long epochSecond = request.time().getEpochSecond();
        ZoneRules cachedRules = null;
        long cachedLocal = 0;
        for (int i : candidates) {
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
