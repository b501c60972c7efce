package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviourDiffTest {
    private static Policy policy(String rules) {
        return PolicyParser.parse("p.yaml", "version: \"1\"\nrules:\n" + rules);
    }

    private static final String OFFICE =
            """
              - name: office
                effect: allow
                conditions:
                  profiles: [prod]
                  users: [alice]
                  time: {days: [monday, tuesday, wednesday, thursday, friday], hours: {start: "09:00", end: "17:00"}, timezone: Europe/Berlin}
              - name: rest
                effect: deny
            """;

    @Test
    void identicalPoliciesChangeNothing() {
        BehaviourDiff.Result result = BehaviourDiff.compare(policy(OFFICE), policy(OFFICE), List.of());
        assertThat(result.changes()).isEmpty();
        assertThat(result.requests()).isGreaterThan(100);
    }

    @Test
    void aNarrowedWindowIsFoundAtItsBoundary() {
        BehaviourDiff.Result result =
                BehaviourDiff.compare(policy(OFFICE), policy(OFFICE.replace("\"17:00\"", "\"16:00\"")), List.of());
        assertThat(result.changes()).isNotEmpty().allSatisfy(change -> {
            assertThat(change.profile()).isEqualTo("prod");
            assertThat(change.user()).isEqualTo("alice");
            assertThat(change.before()).isEqualTo("allow (rule 'office')");
            assertThat(change.after()).isEqualTo("deny (rule 'rest')");
        });
        assertThat(result.changes().get(0).times()).contains("2026-01-05T15:59:00Z");
    }

    @Test
    void reorderingRulesShowsWhoIsAffected() {
        String before =
                "  - name: team\n    effect: allow\n    conditions: {users: [alice, bob]}\n  - name: no-bob\n    effect: deny\n    conditions: {users: [bob]}\n";
        String after =
                "  - name: no-bob\n    effect: deny\n    conditions: {users: [bob]}\n  - name: team\n    effect: allow\n    conditions: {users: [alice, bob]}\n";
        BehaviourDiff.Result result = BehaviourDiff.compare(policy(before), policy(after), List.of());
        assertThat(result.changes()).extracting(BehaviourDiff.Change::user).containsOnly("bob");
    }

    @Test
    void extraRequestsFromTestCasesAreCompared() {
        Policy before = policy("  - name: all\n    effect: allow\n    conditions: {users: [\"*@example.com\"]}\n");
        Policy after = policy("  - name: all\n    effect: allow\n    conditions: {users: [\"*@example.org\"]}\n");
        EvaluationRequest caseRequest = new EvaluationRequest(
                new ProfileName("prod"), "ann@example.com", Mode.CLI, Instant.parse("2026-03-01T10:00:00Z"), null);
        BehaviourDiff.Result result = BehaviourDiff.compare(before, after, List.of(caseRequest));
        assertThat(result.changes())
                .anySatisfy(change -> assertThat(change.user()).isEqualTo("ann@example.com"));
    }
}
