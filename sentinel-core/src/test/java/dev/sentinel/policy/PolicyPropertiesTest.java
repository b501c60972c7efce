package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the engine checked over many random policies and requests (seeded, so reproducible). */
class PolicyPropertiesTest {
    private static final String[] PROFILES = {"prod", "dev", "stage", "prod-eu", "audit"};
    private static final String[] USERS = {"alice", "bob", "carol", "dave"};
    private static final String[] EFFECTS = {
        "allow", "deny", "require_approval", "require_server", "require_server_session"
    };
    private static final String[] DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};

    private final Random random = new Random(20261122);

    private String randomRules(int count) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < count; i++) {
            yaml.append("  - name: r").append(i).append('\n');
            yaml.append("    effect: ").append(pick(EFFECTS)).append('\n');
            StringBuilder conditions = new StringBuilder();
            if (random.nextInt(3) == 0) {
                conditions
                        .append("      profiles: [")
                        .append(pick(PROFILES))
                        .append(random.nextBoolean() ? ", \"prod-*\"" : "")
                        .append("]\n");
            }
            if (random.nextInt(3) == 0) {
                conditions.append("      users: [").append(pick(USERS)).append("]\n");
            }
            if (random.nextInt(4) == 0) {
                conditions
                        .append("      mode: [")
                        .append(pick(new String[] {"cli", "credential_process", "server"}))
                        .append("]\n");
            }
            if (random.nextInt(3) == 0) {
                int start = random.nextInt(24);
                int end = (start + 1 + random.nextInt(23)) % 24;
                conditions
                        .append("      time: {days: [")
                        .append(pick(DAYS))
                        .append(", ")
                        .append(pick(DAYS))
                        .append("], hours: {start: \"")
                        .append(String.format("%02d:00", start))
                        .append("\", end: \"")
                        .append(String.format("%02d:30", end))
                        .append("\"}, timezone: ")
                        .append(pick(ZONES))
                        .append("}\n");
            }
            if (!conditions.isEmpty()) {
                yaml.append("    conditions:\n").append(conditions);
            }
        }
        return yaml.toString();
    }

    private EvaluationRequest randomRequest() {
        Instant time = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(366 * 24 * 3600));
        return new EvaluationRequest(
                new ProfileName(pick(PROFILES)), pick(USERS), Mode.values()[random.nextInt(3)], time, null);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static Policy parse(String rules) {
        return PolicyParser.parse("random.yaml", "version: \"1\"\nrules:\n" + (rules.isEmpty() ? "  []\n" : rules));
    }

    @Test
    void noMatchAlwaysMeansDeny() {
        for (int i = 0; i < 500; i++) {
            Policy policy = parse(randomRules(1 + random.nextInt(8)));
            Decision decision = policy.evaluate(randomRequest());
            if (!decision.matched()) {
                assertThat(decision.effect()).isEqualTo(Effect.DENY);
                assertThat(decision.ruleIndex()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aRuleAddedAfterTheDecidingRuleNeverChangesTheDecision() {
        for (int i = 0; i < 500; i++) {
            String rules = randomRules(1 + random.nextInt(8));
            Policy before = parse(rules);
            Policy after = parse(rules + randomRules(1).replace("name: r0", "name: appended"));
            EvaluationRequest request = randomRequest();
            Decision original = before.evaluate(request);
            if (original.matched()) {
                Decision extended = after.evaluate(request);
                assertThat(extended.effect()).isEqualTo(original.effect());
                assertThat(extended.ruleIndex()).isEqualTo(original.ruleIndex());
            }
        }
    }

    @Test
    void theTraceAlwaysAgreesWithTheDecision() {
        for (int i = 0; i < 500; i++) {
            Policy policy = parse(randomRules(random.nextInt(10)));
            Decision decision = policy.evaluate(randomRequest());
            List<RuleTrace> trace = decision.trace();
            assertThat(trace).hasSize(policy.rules().size());
            List<RuleTrace> matched = trace.stream()
                    .filter(t -> t.status() == RuleTrace.Status.MATCHED)
                    .toList();
            if (decision.matched()) {
                assertThat(matched).singleElement().extracting(RuleTrace::index).isEqualTo(decision.ruleIndex());
                assertThat(matched.get(0).effect()).isEqualTo(decision.effect());
            } else {
                assertThat(matched).isEmpty();
            }
        }
    }

    @Test
    void evaluationIsDeterministic() {
        for (int i = 0; i < 200; i++) {
            Policy policy = parse(randomRules(1 + random.nextInt(8)));
            EvaluationRequest request = randomRequest();
            Decision first = policy.evaluate(request);
            Decision second = policy.evaluate(request);
            assertThat(second.effect()).isEqualTo(first.effect());
            assertThat(second.ruleIndex()).isEqualTo(first.ruleIndex());
        }
    }
}
