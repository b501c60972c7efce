package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyLinterTest {
    private static List<LintFinding> lint(String rules, Set<String> known) {
        return PolicyLinter.lint(PolicyParser.parse("p.yaml", "version: \"1\"\nrules:\n" + rules), known);
    }

    private static List<String> checks(String rules) {
        return lint(rules, null).stream().map(LintFinding::check).toList();
    }

    @Test
    void aRuleAfterACatchAllIsUnreachable() {
        List<LintFinding> findings = lint(
                "  - name: all\n    effect: deny\n  - name: alice\n    effect: allow\n    conditions: {users: [alice]}\n",
                null);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("unreachable-rule");
            assertThat(f.rule()).isEqualTo("alice");
            assertThat(f.line()).isEqualTo(5);
            assertThat(f.message()).contains("'all' (line 3)");
        });
    }

    @Test
    void aBroaderEarlierRuleMakesANarrowerOneUnreachable() {
        assertThat(
                        checks(
                                """
                  - name: team
                    effect: allow
                    conditions: {profiles: [prod, dev], users: [alice, bob]}
                  - name: alice-prod
                    effect: deny
                    conditions: {profiles: [prod], users: [alice], mode: [cli]}
                """))
                .containsExactly("unreachable-rule");
    }

    @Test
    void disjointRulesAreFine() {
        assertThat(
                        checks(
                                """
                  - name: prod
                    effect: allow
                    conditions: {profiles: [prod]}
                  - name: dev
                    effect: deny
                    conditions: {profiles: [dev]}
                """))
                .isEmpty();
    }

    @Test
    void flagsAllowBeforeDenyForOverlappingProfilesAndUsers() {
        assertThat(
                        checks(
                                """
                  - name: team-prod
                    effect: allow
                    conditions: {profiles: [prod], users: [alice, bob], time: {days: [monday]}}
                  - name: no-bob
                    effect: deny
                    conditions: {profiles: [prod], users: [bob]}
                """))
                .containsExactly("allow-before-deny");
    }

    @Test
    void flagsRequireServerShadowedByAnAllow() {
        assertThat(
                        checks(
                                """
                  - name: everyone-on-weekdays
                    effect: allow
                    conditions: {time: {days: [monday, tuesday]}}
                  - name: prod-through-server
                    effect: require_server
                    conditions: {profiles: [prod]}
                """))
                .containsExactly("require-server-shadowed");
    }

    @Test
    void flagsOverlappingTimeWindowsWithDifferentEffects() {
        assertThat(
                        checks(
                                """
                  - name: day
                    effect: require_approval
                    conditions: {profiles: [prod], time: {hours: {start: "08:00", end: "18:00"}}}
                  - name: evening
                    effect: deny
                    conditions: {profiles: [prod], time: {hours: {start: "17:00", end: "23:00"}}}
                """))
                .containsExactly("overlapping-time-windows");
        assertThat(
                        checks(
                                """
                  - name: day
                    effect: require_approval
                    conditions: {profiles: [prod], time: {hours: {start: "08:00", end: "17:00"}}}
                  - name: evening
                    effect: deny
                    conditions: {profiles: [prod], time: {hours: {start: "17:00", end: "23:00"}}}
                """))
                .isEmpty();
    }

    @Test
    void flagsProfilesMissingFromTheAwsConfig() {
        List<LintFinding> findings = lint(
                "  - name: a\n    effect: allow\n    conditions: {profiles: [prod, prdo, \"dev-*\"]}\n",
                Set.of("prod", "dev-eu"));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("unknown-profile");
            assertThat(f.message()).contains("'prdo'");
        });
    }

    @Test
    void testCasesParseAndCheckEffectAndRule() {
        List<PolicyTestCase> cases = PolicyTestCase.parse(
                "t.yaml",
                """
                cases:
                  - name: alice in the morning
                    request: {profile: prod, user: alice, time: "2026-11-23T09:30:00+01:00", mode: cli}
                    expect: {effect: allow, rule: office}
                  - name: nobody else
                    request: {profile: prod, user: eve}
                    expect: {effect: deny, rule: "-"}
                """);
        assertThat(cases).hasSize(2);
        Policy policy = PolicyParser.parse(
                "p.yaml",
                "version: \"1\"\nrules:\n  - name: office\n    effect: allow\n    conditions: {users: [alice]}\n");
        assertThat(cases.get(0).passes(policy.evaluate(cases.get(0).request()))).isTrue();
        assertThat(cases.get(1).passes(policy.evaluate(cases.get(1).request()))).isTrue();
        assertThat(cases.get(1).request().time()).isEqualTo(PolicyTestCase.DEFAULT_TIME);
    }

    @Test
    void badTestFilesAreRejectedWithLines() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PolicyTestCase.parse(
                                "t.yaml",
                                "cases:\n  - name: x\n    request: {profile: prod, user: a, time: tomorrow}\n    expect: {effect: permit}\n"))
                .hasMessageContaining("t.yaml:3:")
                .hasMessageContaining("t.yaml:4:");
    }
}
