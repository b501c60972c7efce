package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyMatchingTest {
    /** A Wednesday, inside any weekday office-hours window in UTC. */
    private static final Instant WEDNESDAY_NOON = Instant.parse("2024-01-03T12:00:00Z");

    @Test
    void firstMatchingRuleWins() {
        Policy policy = policy(
                """
                  - name: deny-prod
                    effect: deny
                    conditions:
                      profiles: [prod]
                  - name: allow-everyone
                    effect: allow
                  - name: also-matches
                    effect: require_approval
                """);

        Decision prod = policy.evaluate(request("prod", "alice"));
        Decision dev = policy.evaluate(request("dev", "alice"));

        assertThat(prod.effect()).isEqualTo(Effect.DENY);
        assertThat(prod.ruleName()).isEqualTo("deny-prod");
        assertThat(prod.ruleIndex()).isZero();
        assertThat(dev.effect()).isEqualTo(Effect.ALLOW);
        assertThat(dev.ruleName()).isEqualTo("allow-everyone");
        assertThat(dev.ruleIndex()).isEqualTo(1);
        assertThat(dev.matched()).isTrue();
    }

    @Test
    void deniesWhenNoRuleMatches() {
        Policy policy = policy(
                """
                  - name: only-prod
                    effect: allow
                    conditions:
                      profiles: [prod]
                """);

        Decision decision = policy.evaluate(request("dev", "alice"));

        assertThat(decision.effect()).isEqualTo(Effect.DENY);
        assertThat(decision.matched()).isFalse();
        assertThat(decision.rule()).isNull();
        assertThat(decision.ruleName()).isNull();
        assertThat(decision.ruleIndex()).isEqualTo(-1);
        assertThat(decision.reason()).isEqualTo(Decision.NO_MATCH_REASON);
    }

    @Test
    void deniesEverythingWithoutRules() {
        Decision decision =
                PolicyParser.parse("p.yaml", "version: \"1\"\nrules: []\n").evaluate(request("dev", "alice"));

        assertThat(decision.effect()).isEqualTo(Effect.DENY);
        assertThat(decision.ruleIndex()).isEqualTo(-1);
        assertThat(decision.trace()).isEmpty();
    }

    @Test
    void reasonIsTheRulesReasonOrNamesTheRule() {
        Policy policy = policy(
                """
                  - name: with-reason
                    effect: deny
                    reason: Production is frozen
                    conditions:
                      profiles: [prod]
                  - name: plain
                    effect: require_approval
                """);

        assertThat(policy.evaluate(request("prod", "alice")).reason()).isEqualTo("Production is frozen");
        assertThat(policy.evaluate(request("dev", "alice")).reason()).isEqualTo("rule 'plain' (require_approval)");
    }

    @Test
    void emptyAndAbsentConditionsMatchAnything() {
        Policy absent =
                policy("""
                  - name: anything
                    effect: allow
                """);
        Policy empty = policy(
                """
                  - name: anything
                    effect: allow
                    conditions: {}
                """);
        Policy emptyLists = policy(
                """
                  - name: anything
                    effect: allow
                    conditions:
                      profiles: []
                      users: []
                      mode: []
                """);

        for (Policy policy : new Policy[] {absent, empty, emptyLists}) {
            for (Mode mode : Mode.values()) {
                EvaluationRequest request = new EvaluationRequest(
                        new ProfileName("any/profile:x"), "someone@example.com", mode, Instant.EPOCH, null);
                assertThat(policy.evaluate(request).effect()).isEqualTo(Effect.ALLOW);
            }
        }
    }

    @Test
    void matchesProfileGlobs() {
        Policy policy = policy(
                """
                  - name: staging
                    effect: allow
                    conditions:
                      profiles: ["staging-*", "*-sandbox", "team-*-ro", exact]
                """);

        assertThat(matches(policy, "staging-eu", "alice")).isTrue();
        assertThat(matches(policy, "staging-", "alice")).isTrue();
        assertThat(matches(policy, "alice-sandbox", "alice")).isTrue();
        assertThat(matches(policy, "team-data-ro", "alice")).isTrue();
        assertThat(matches(policy, "exact", "alice")).isTrue();
        assertThat(matches(policy, "prod-staging-eu", "alice")).isFalse();
        assertThat(matches(policy, "sandbox", "alice")).isFalse();
        assertThat(matches(policy, "team-data-rw", "alice")).isFalse();
        assertThat(matches(policy, "exact2", "alice")).isFalse();
        assertThat(matches(policy, "Staging-eu", "alice")).isFalse();
    }

    @Test
    void globsTreatRegexCharactersLiterally() {
        Policy policy = policy(
                """
                  - name: dotted
                    effect: allow
                    conditions:
                      users: ["a.b*", "x+y"]
                """);

        assertThat(matches(policy, "dev", "a.bc")).isTrue();
        assertThat(matches(policy, "dev", "x+y")).isTrue();
        assertThat(matches(policy, "dev", "axbc")).isFalse();
        assertThat(matches(policy, "dev", "xxy")).isFalse();
    }

    @Test
    void matchesUserGlobsAndExactUsers() {
        Policy policy = policy(
                """
                  - name: admins
                    effect: allow
                    conditions:
                      users: [alice, "*@example.com"]
                """);

        assertThat(matches(policy, "dev", "alice")).isTrue();
        assertThat(matches(policy, "dev", "bob@example.com")).isTrue();
        assertThat(matches(policy, "dev", "alicex")).isFalse();
        assertThat(matches(policy, "dev", "bob@example.org")).isFalse();
        assertThat(matches(policy, "dev", "Alice")).isFalse();
    }

    @Test
    void matchesOnlyListedModes() {
        Policy policy = policy(
                """
                  - name: server-only
                    effect: allow
                    conditions:
                      mode: [server, credential_process]
                """);

        assertThat(policy.evaluate(request("dev", "alice", Mode.SERVER)).matched())
                .isTrue();
        assertThat(policy.evaluate(request("dev", "alice", Mode.CREDENTIAL_PROCESS))
                        .matched())
                .isTrue();
        assertThat(policy.evaluate(request("dev", "alice", Mode.CLI)).matched()).isFalse();
    }

    @Test
    void allConditionsMustMatch() {
        Policy policy = policy(
                """
                  - name: alice-on-prod-by-server
                    effect: allow
                    conditions:
                      profiles: [prod]
                      users: [alice]
                      mode: server
                """);

        assertThat(policy.evaluate(request("prod", "alice", Mode.SERVER)).matched())
                .isTrue();
        assertThat(policy.evaluate(request("dev", "alice", Mode.SERVER)).matched())
                .isFalse();
        assertThat(policy.evaluate(request("prod", "bob", Mode.SERVER)).matched())
                .isFalse();
        assertThat(policy.evaluate(request("prod", "alice", Mode.CLI)).matched())
                .isFalse();
    }

    @Test
    void evaluatesTheRequestNotAnyEarlierOne() {
        Policy policy = policy(
                """
                  - name: alice
                    effect: allow
                    conditions:
                      users: [alice]
                """);

        assertThat(policy.evaluate(request("dev", "alice")).effect()).isEqualTo(Effect.ALLOW);
        assertThat(policy.evaluate(request("dev", "bob")).effect()).isEqualTo(Effect.DENY);
        assertThat(policy.evaluate(request("dev", "alice")).effect()).isEqualTo(Effect.ALLOW);
    }

    static Policy policy(String rules) {
        return PolicyParser.parse("policy.yaml", "version: \"1\"\nrules:\n" + rules);
    }

    static EvaluationRequest request(String profile, String user) {
        return request(profile, user, Mode.CLI);
    }

    static EvaluationRequest request(String profile, String user, Mode mode) {
        return new EvaluationRequest(new ProfileName(profile), user, mode, WEDNESDAY_NOON, null);
    }

    private static boolean matches(Policy policy, String profile, String user) {
        return policy.evaluate(request(profile, user)).matched();
    }
}
