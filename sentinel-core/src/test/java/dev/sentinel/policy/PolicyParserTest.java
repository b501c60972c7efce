package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
    private static List<Problem> problems(String yaml) {
        try {
            PolicyParser.parse("p.yaml", yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID);
            return e.problems();
        }
        throw new AssertionError("expected the policy to be rejected:\n" + yaml);
    }

    private static Problem only(String yaml) {
        List<Problem> found = problems(yaml);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void parsesEveryConditionKind() {
        Policy policy = PolicyParser.parse(
                "p.yaml",
                """
                version: "1"
                description: all kinds
                rules:
                  - name: full
                    effect: allow
                    conditions:
                      profiles: [prod, "dev-*"]
                      users: alice
                      mode: [cli, credential_process]
                      time:
                        days: [monday, Fri]
                        hours: {start: "22:00", end: "02:00"}
                        timezone: Europe/Berlin
                      device: {require_mdm: true, min_os_version: "14.2", allowed_os_types: [Darwin]}
                    reason: on call
                    max_duration: 1h30m
                    max_server_duration: 15m
                  - name: rest
                    effect: deny
                """);
        Rule full = policy.rules().get(0);
        assertThat(full.effect()).isEqualTo(Effect.ALLOW);
        assertThat(full.line()).isEqualTo(4);
        assertThat(full.conditions().profiles().names()).containsExactly("prod", "dev-*");
        assertThat(full.conditions().users().names()).containsExactly("alice");
        assertThat(full.conditions().modes()).containsExactlyInAnyOrder(Mode.CLI, Mode.CREDENTIAL_PROCESS);
        assertThat(full.conditions().time().days()).containsExactly(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
        assertThat(full.conditions().time().startMinute()).isEqualTo(22 * 60);
        assertThat(full.conditions().time().endMinute()).isEqualTo(2 * 60);
        assertThat(full.conditions().device().allowedOsTypes()).containsExactly("darwin");
        assertThat(full.maxDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(full.maxServerDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.rules().get(1).conditions()).isEqualTo(Conditions.ANY);
    }

    @Test
    void rejectsAMissingOrWrongVersion() {
        assertThat(only("rules:\n  - name: a\n    effect: allow\n").message()).contains("no 'version'");
        Problem wrong = only("version: \"2\"\nrules:\n  - name: a\n    effect: allow\n");
        assertThat(wrong.line()).isEqualTo(1);
        assertThat(wrong.hint()).contains("version: \"1\"");
    }

    @Test
    void rejectsMissingRules() {
        assertThat(only("version: \"1\"\n").message()).contains("no 'rules'");
    }

    @Test
    void suggestsTheKeyThatWasMeant() {
        Problem top = only("version: \"1\"\nrule:\n  - name: a\n    effect: allow\nrules: []\n");
        assertThat(top.message()).contains("unknown key 'rule'");
        assertThat(top.hint()).contains("did you mean 'rules'");

        Problem inRule = only("version: \"1\"\nrules:\n  - name: a\n    efect: allow\n    effect: deny\n");
        assertThat(inRule.line()).isEqualTo(4);
        assertThat(inRule.column()).isEqualTo(5);
        assertThat(inRule.hint()).isEqualTo("did you mean 'effect'?");
    }

    @Test
    void rejectsUnknownEffectsWithASuggestion() {
        Problem capital = only("version: \"1\"\nrules:\n  - name: a\n    effect: Deny\n");
        assertThat(capital.line()).isEqualTo(4);
        assertThat(capital.column()).isEqualTo(13);
        assertThat(capital.hint()).contains("did you mean 'deny'");
        assertThat(only("version: \"1\"\nrules:\n  - name: a\n    effect: require-approval\n")
                        .hint())
                .contains("'require_approval'");
        assertThat(only("version: \"1\"\nrules:\n  - name: a\n    effect: permit\n")
                        .hint())
                .contains("use one of");
    }

    @Test
    void rejectsDuplicateRuleNamesAndDuplicateKeys() {
        assertThat(only("version: \"1\"\nrules:\n  - name: a\n    effect: allow\n  - name: a\n    effect: deny\n")
                        .message())
                .contains("used twice");
        assertThat(problems("version: \"1\"\nrules:\n  - name: a\n    effect: allow\n    effect: deny\n"))
                .anySatisfy(p -> assertThat(p.render()).containsAnyOf("twice", "duplicate"));
    }

    @Test
    void checksDaysHoursAndZones() {
        String base = "version: \"1\"\nrules:\n  - name: a\n    effect: allow\n    conditions:\n      time:\n";
        assertThat(only(base + "        days: [funday]\n").message()).contains("funday");
        assertThat(only(base + "        hours: {start: \"8:00\", end: \"18:00\"}\n")
                        .hint())
                .contains("HH:MM");
        assertThat(only(base + "        hours: {start: \"08:00\", end: \"25:00\"}\n")
                        .message())
                .contains("25:00");
        assertThat(only(base + "        hours: {start: \"24:00\", end: \"02:00\"}\n")
                        .message())
                .contains("24:00");
        assertThat(only(base + "        hours: {start: \"09:00\", end: \"09:00\"}\n")
                        .message())
                .contains("empty");
        assertThat(only(base + "        hours: {start: \"09:00\"}\n").message()).contains("both start and end");
        Problem zone = only(base + "        days: [monday]\n        timezone: Mars/Olympus\n");
        assertThat(zone.line()).isEqualTo(8);
        assertThat(zone.hint()).contains("IANA");
        assertThat(only(base + "        timezone: UTC\n").message()).contains("neither days nor hours");
        PolicyParser.parse("p.yaml", base + "        hours: {start: \"18:00\", end: \"24:00\"}\n");
    }

    @Test
    void checksModesDevicesAndDurations() {
        String base = "version: \"1\"\nrules:\n  - name: a\n    effect: allow\n";
        assertThat(only(base + "    conditions:\n      mode: [console]\n").hint())
                .contains("cli, credential_process, server");
        assertThat(only(base + "    conditions:\n      device: {allowed_os_types: [beos]}\n")
                        .message())
                .contains("beos");
        assertThat(only(base + "    conditions:\n      device: {min_os_version: latest}\n")
                        .message())
                .contains("not a version");
        assertThat(only(base + "    conditions:\n      device: {require_mdm: yes please}\n")
                        .message())
                .contains("true or false");
        assertThat(only(base + "    max_duration: 5m\n").message()).contains("outside what STS issues");
        assertThat(only(base + "    max_duration: 13h\n").message()).contains("outside what STS issues");
        assertThat(only(base + "    max_duration: soon\n").hint()).contains("30m");
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        List<Problem> found = problems(
                """
                version: "1"
                rules:
                  - name: a
                    effect: Allow
                  - effect: deny
                  - name: c
                    effect: allow
                    conditions:
                      time: {days: [someday], timezone: Nowhere/City}
                """);
        assertThat(found).hasSizeGreaterThanOrEqualTo(4);
        assertThat(found).extracting(Problem::line).contains(4, 5, 9);
    }

    @Test
    void reportsSyntaxErrorsAndEmptyDocumentsWithALine() {
        Problem syntax = only("version: \"1\"\nrules:\n  - name: a\n   effect: allow\n  bad\n");
        assertThat(syntax.message()).startsWith("YAML syntax error");
        assertThat(syntax.line()).isGreaterThan(1);
        assertThat(only("").message()).contains("empty");
        assertThat(only("- just\n- a list\n").message()).contains("mapping");
    }

    @Test
    void theExceptionMessageNamesFileLineAndFix() {
        assertThatThrownBy(() -> PolicyParser.parse(
                        "policies/prod.yaml", "version: \"1\"\nrules:\n  - name: a\n    effect: alow\n"))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("policies/prod.yaml:4:13: unknown effect 'alow'")
                .hasMessageContaining("Fix: did you mean 'allow'?");
    }
}
