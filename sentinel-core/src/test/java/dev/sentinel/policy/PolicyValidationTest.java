package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {
    private static final String SOURCE = "policies/team.yaml";

    private static final String FULL_POLICY =
            """
            version: "1"
            description: Team policy
            rules:
              - name: weekday-dev
                description: Developers on weekdays
                effect: allow
                conditions:
                  profiles: [dev, "staging-*"]
                  users: ["alice", "bob.*"]
                  mode: [cli, credential_process]
                  time:
                    days: [Mon, tuesday, WEDNESDAY, thu, friday]
                    hours: {start: "08:00", end: "18:30"}
                    timezone: Europe/Berlin
                  device:
                    require_encryption: true
                    require_mdm: true
                    require_mdm_compliant: true
                    require_firewall: true
                    min_os_version: "14.2"
                    allowed_os_types: [darwin, Linux]
                reason: Developers may use dev on weekdays
                max_duration: 1h30m
                max_server_duration: 12h
              - name: friday-night-ops
                effect: require_approval
                conditions:
                  profiles: prod
                  users: oncall
                  mode: server
                  time:
                    days: friday
                    hours: {start: "22:00", end: "02:00"}
                  device:
                    allowed_os_types: windows
                max_duration: 15m
              - name: evenings
                effect: require_server
                conditions:
                  time:
                    hours: {start: "20:00", end: "24:00"}
              - name: sessions
                effect: require_server_session
                conditions: {}
              - name: everything-else
                effect: deny
            """;

    @Test
    void parsesFullPolicyWithEveryConditionKind() {
        Policy policy = PolicyParser.parse(SOURCE, FULL_POLICY);

        assertThat(policy.rules())
                .extracting(Rule::name)
                .containsExactly("weekday-dev", "friday-night-ops", "evenings", "sessions", "everything-else");
        assertThat(policy.rules())
                .extracting(Rule::effect)
                .containsExactly(
                        Effect.ALLOW,
                        Effect.REQUIRE_APPROVAL,
                        Effect.REQUIRE_SERVER,
                        Effect.REQUIRE_SERVER_SESSION,
                        Effect.DENY);
        assertThat(policy.rules()).extracting(Rule::line).containsExactly(4, 25, 37, 42, 45);

        Rule dev = policy.rules().get(0);
        assertThat(dev.reason()).isEqualTo("Developers may use dev on weekdays");
        assertThat(dev.maxDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(dev.maxServerDuration()).isEqualTo(Duration.ofHours(12));
        Conditions conditions = dev.conditions();
        assertThat(conditions.profiles().names()).containsExactly("dev", "staging-*");
        assertThat(conditions.profiles().hasGlobs()).isTrue();
        assertThat(conditions.users().names()).containsExactly("alice", "bob.*");
        assertThat(conditions.modes()).containsExactlyInAnyOrder(Mode.CLI, Mode.CREDENTIAL_PROCESS);
        TimeCondition time = conditions.time();
        assertThat(time.days())
                .containsExactly(
                        DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
        assertThat(time.hasHours()).isTrue();
        assertThat(time.startMinute()).isEqualTo(8 * 60);
        assertThat(time.endMinute()).isEqualTo(18 * 60 + 30);
        assertThat(time.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(conditions.device())
                .isEqualTo(new DeviceCondition(true, true, true, true, "14.2", Set.of("darwin", "linux")));
    }

    @Test
    void acceptsSingleScalarsWhereListsAreExpected() {
        Conditions conditions =
                PolicyParser.parse(SOURCE, FULL_POLICY).rules().get(1).conditions();

        assertThat(conditions.profiles().names()).containsExactly("prod");
        assertThat(conditions.users().names()).containsExactly("oncall");
        assertThat(conditions.modes()).containsExactly(Mode.SERVER);
        assertThat(conditions.time().days()).containsExactly(DayOfWeek.FRIDAY);
        assertThat(conditions.device().allowedOsTypes()).containsExactly("windows");
    }

    @Test
    void parsesOvernightWindowAndDefaultsToUtc() {
        Rule rule = PolicyParser.parse(SOURCE, FULL_POLICY).rules().get(1);

        assertThat(rule.conditions().time().startMinute()).isEqualTo(22 * 60);
        assertThat(rule.conditions().time().endMinute()).isEqualTo(2 * 60);
        assertThat(rule.conditions().time().zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(rule.maxDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(rule.maxServerDuration()).isNull();
    }

    @Test
    void acceptsMidnightAsEndOfWindowAndHoursWithoutDays() {
        TimeCondition time = PolicyParser.parse(SOURCE, FULL_POLICY)
                .rules()
                .get(2)
                .conditions()
                .time();

        assertThat(time.startMinute()).isEqualTo(20 * 60);
        assertThat(time.endMinute()).isEqualTo(24 * 60);
        assertThat(time.days()).isEqualTo(EnumSet.allOf(DayOfWeek.class));
    }

    @Test
    void treatsEmptyAndAbsentConditionsAsNoConditions() {
        Policy policy = PolicyParser.parse(SOURCE, FULL_POLICY);

        for (Rule rule : policy.rules().subList(3, 5)) {
            Conditions conditions = rule.conditions();
            assertThat(conditions.profiles()).isNull();
            assertThat(conditions.users()).isNull();
            assertThat(conditions.modes()).isEmpty();
            assertThat(conditions.time()).isNull();
            assertThat(conditions.device()).isNull();
        }
    }

    @Test
    void acceptsDurationsAtTheLimitsStsIssues() {
        Policy policy = PolicyParser.parse(
                SOURCE,
                """
                version: "1"
                rules:
                  - name: shortest
                    effect: allow
                    max_duration: 15m
                    max_server_duration: 900s
                  - name: longest
                    effect: allow
                    max_duration: 12h
                    max_server_duration: 11h60m
                """);

        assertThat(policy.rules())
                .extracting(Rule::maxDuration)
                .containsExactly(Duration.ofMinutes(15), Duration.ofHours(12));
        assertThat(policy.rules())
                .extracting(Rule::maxServerDuration)
                .containsExactly(Duration.ofMinutes(15), Duration.ofHours(12));
    }

    @Test
    void acceptsEmptyRuleList() {
        assertThat(PolicyParser.parse(SOURCE, "version: \"1\"\nrules: []\n").rules())
                .isEmpty();
    }

    @Test
    void loadedPolicyCarriesSourceAndSha256OfExactText() {
        LoadedPolicy loaded = LoadedPolicy.parse(SOURCE, "version: \"1\"\nrules: []\n");

        assertThat(loaded.source()).isEqualTo(SOURCE);
        assertThat(loaded.sha256())
                .isEqualTo(LoadedPolicy.sha256Hex("version: \"1\"\nrules: []\n"))
                .hasSize(64);
        assertThat(LoadedPolicy.sha256Hex(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(LoadedPolicy.parse(SOURCE, "version: \"1\"\nrules: []\n\n").sha256())
                .isNotEqualTo(loaded.sha256());
    }

    @Test
    void refusesMissingVersion() {
        Problem problem = onlyProblem(
                """
                rules:
                  - name: a
                    effect: allow
                """);

        assertProblem(problem, 1, 1, "has no 'version'", "version: \"1\"");
    }

    @Test
    void refusesWrongVersion() {
        Problem problem = onlyProblem("""
                version: "2"
                rules: []
                """);

        assertProblem(problem, 1, 10, "unsupported policy version", "version: \"1\"");
    }

    @Test
    void refusesMissingRules() {
        Problem problem = onlyProblem("version: \"1\"\n");

        assertProblem(problem, 1, 1, "has no 'rules'", "rules:");
    }

    @Test
    void refusesRulesThatAreNotAList() {
        Problem problem = onlyProblem("version: \"1\"\nrules: allow-everything\n");

        assertProblem(problem, 2, 8, "rules must be a list", "- ");
    }

    @Test
    void refusesUnknownTopLevelKeyWithSuggestion() {
        List<Problem> problems = problemsOf(
                """
                version: "1"
                rule:
                  - name: a
                    effect: allow
                """);

        assertProblem(find(problems, "unknown key 'rule' in the policy"), 2, 1, "unknown key", "did you mean 'rules'?");
        assertProblem(find(problems, "has no 'rules'"), 1, 1, "has no 'rules'", "rules:");
    }

    @Test
    void listsAllowedKeysWhenNoKeyIsClose() {
        List<Problem> problems = problemsOf(
                """
                version: "1"
                rules: []
                owner: platform-team
                """);

        assertThat(problems)
                .singleElement()
                .satisfies(p -> assertProblem(
                        p, 3, 1, "unknown key 'owner'", "allowed keys are [version, description, rules]"));
    }

    @Test
    void refusesUnknownRuleKeyWithSuggestion() {
        List<Problem> problems = problemsOf(
                """
                version: "1"
                rules:
                  - name: a
                    efect: allow
                """);

        assertProblem(find(problems, "unknown key 'efect'"), 4, 5, "in rule #1", "did you mean 'effect'?");
        assertProblem(find(problems, "has no effect"), 3, 5, "rule 'a' has no effect", "allow, deny, require_approval");
        assertThat(problems).hasSize(2);
    }

    @Test
    void refusesCapitalisedEffectWithSuggestion() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: Deny
                """);

        assertProblem(problem, 4, 13, "unknown effect 'Deny' in rule 'a'", "did you mean 'deny'?");
    }

    @Test
    void refusesDashedEffectWithSuggestion() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: require-approval
                """);

        assertProblem(problem, 4, 13, "unknown effect 'require-approval'", "did you mean 'require_approval'?");
    }

    @Test
    void listsEffectsWhenNoEffectIsClose() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: permit-everything
                """);

        assertProblem(
                problem,
                4,
                13,
                "unknown effect",
                "[allow, deny, require_approval, require_server, require_server_session]");
    }

    @Test
    void refusesRuleWithoutName() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - effect: allow
                """);

        assertProblem(problem, 3, 5, "rule #1 has no name", "name:");
    }

    @Test
    void refusesDuplicateRuleNames() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                  - name: b
                    effect: allow
                  - name: a
                    effect: deny
                """);

        assertProblem(problem, 7, 5, "rule name 'a' is used twice", "unique name");
    }

    @Test
    void aDuplicateNameIsFoundEvenWhenTheFirstRuleHasAnotherMistake() {
        List<Problem> problems = problemsOf(
                """
                version: "1"
                rules:
                  - name: a
                    effect: alow
                  - name: a
                    effect: deny
                """);

        assertThat(problems).extracting(Problem::message).anySatisfy(m -> assertThat(m)
                .contains("unknown effect"));
        assertThat(problems).extracting(Problem::message).anySatisfy(m -> assertThat(m)
                .contains("'a' is used twice"));
    }

    @Test
    void refusesDuplicateKeys() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: deny
                    effect: allow
                """);

        assertProblem(problem, 5, 5, "key 'effect' appears twice in rule #1", "Keep one of them.");
    }

    @Test
    void refusesDuplicateTopLevelKeys() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules: []
                rules:
                  - name: allow-all
                    effect: allow
                """);

        assertProblem(problem, 3, 1, "key 'rules' appears twice in the policy", "Keep one of them.");
    }

    @Test
    void acceptsDayAbbreviationsButRefusesMadeUpDays() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                    conditions:
                      time:
                        days:
                          - Mon
                          - funday
                """);

        assertProblem(problem, 9, 13, "'funday' in rule 'a' days is not a day of the week", "monday, tuesday");
    }

    @Test
    void refusesDayPrefixesOtherThanThreeLetterAbbreviations() {
        List<Problem> problems = problemsOf(withTime("days: [t, frid, sat, SUNDAY]"));

        assertThat(problems)
                .extracting(Problem::message)
                .containsExactly(
                        "'t' in rule 'a' days is not a day of the week.",
                        "'frid' in rule 'a' days is not a day of the week.");
        assertThat(problems).extracting(Problem::column).containsExactly(16, 19);
    }

    @Test
    void refusesHourWithoutLeadingZero() {
        Problem problem = onlyProblem(withTime("hours: {start: \"8:00\", end: \"17:00\"}"));

        assertProblem(problem, 7, 24, "hours start '8:00' is not a time of day", "\"08:00\"");
    }

    @Test
    void refusesHourPastMidnight() {
        Problem problem = onlyProblem(withTime("hours: {start: \"08:00\", end: \"25:00\"}"));

        assertProblem(problem, 7, 38, "hours end '25:00' is not a time of day", "\"24:00\" for midnight");
    }

    @Test
    void refusesMinutePastSixty() {
        Problem problem = onlyProblem(withTime("hours: {start: \"08:60\", end: \"17:00\"}"));

        assertProblem(problem, 7, 24, "hours start '08:60' is not a time of day", "HH:MM");
    }

    @Test
    void refusesMidnightAsStartOfWindow() {
        Problem problem = onlyProblem(withTime("hours: {start: \"24:00\", end: \"08:00\"}"));

        assertProblem(problem, 7, 24, "hours start '24:00' is not a time of day", "HH:MM");
        assertThat(problem.hint()).doesNotContain("24:00");
    }

    @Test
    void refusesEmptyWindow() {
        Problem problem = onlyProblem(withTime("hours: {start: \"09:00\", end: \"09:00\"}"));

        assertProblem(problem, 7, 16, "start and end are equal", "Remove 'hours'");
    }

    @Test
    void refusesHoursWithoutEnd() {
        Problem problem = onlyProblem(withTime("hours: {start: \"09:00\"}"));

        assertProblem(problem, 7, 16, "hours needs both start and end", "hours: {start:");
    }

    @Test
    void refusesTimeWithNeitherDaysNorHours() {
        Problem problem = onlyProblem(withTime("timezone: UTC"));

        assertProblem(problem, 7, 9, "time has neither days nor hours", "Add days or hours");
    }

    @Test
    void refusesUnknownTimezone() {
        Problem problem = onlyProblem(withTime("days: [monday]\n        timezone: Mars/Olympus_Mons"));

        assertProblem(problem, 8, 19, "unknown time zone 'Mars/Olympus_Mons'", "Europe/Berlin");
    }

    @Test
    void refusesUnknownMode() {
        Problem problem = onlyProblem(withConditions("mode: [cli, gui]"));

        assertProblem(problem, 6, 19, "unknown mode 'gui' in rule 'a'", "cli, credential_process, server");
    }

    @Test
    void refusesInvalidProfileName() {
        Problem problem = onlyProblem(withConditions("profiles: [dev, \"my profile\"]"));

        assertProblem(problem, 6, 23, "'my profile' in rule 'a' profiles is not a valid profile name", "~/.aws/config");
    }

    @Test
    void refusesUnknownDeviceOsType() {
        Problem problem = onlyProblem(withConditions("device:\n        allowed_os_types: [darwin, beos]"));

        assertProblem(problem, 7, 36, "unknown OS type 'beos'", "[darwin, windows, linux]");
    }

    @Test
    void refusesDeviceVersionThatIsNotDottedNumbers() {
        Problem problem = onlyProblem(withConditions("device:\n        min_os_version: \"14.x\""));

        assertProblem(problem, 7, 25, "min_os_version '14.x' is not a version", "\"14.2\"");
    }

    @Test
    void refusesDeviceFlagThatIsNotBoolean() {
        Problem problem = onlyProblem(withConditions("device:\n        require_encryption: \"yes\""));

        assertProblem(problem, 7, 29, "require_encryption must be true or false", "");
    }

    @Test
    void refusesDeviceWithoutRequirements() {
        Problem problem = onlyProblem(withConditions("device: {}"));

        assertProblem(problem, 6, 15, "device has no requirements", "remove 'device'");
    }

    @Test
    void refusesDurationShorterThanStsIssues() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                    max_duration: 14m59s
                """);

        assertProblem(problem, 5, 19, "max_duration 14m59s is outside what STS issues (15m to 12h)", "15m to 12h");
    }

    @Test
    void refusesDurationLongerThanStsIssues() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                    max_server_duration: 12h1s
                """);

        assertProblem(problem, 5, 26, "max_server_duration 12h1s is outside what STS issues", "15m to 12h");
    }

    @Test
    void refusesDurationThatIsNotADuration() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                    max_duration: forever
                """);

        assertProblem(problem, 5, 19, "max_duration 'forever' is not a duration", "1h30m");
    }

    @Test
    void refusesEmptyDocument() {
        assertProblem(onlyProblem(""), 1, 1, "the document is empty", "version: \"1\"");
        assertProblem(onlyProblem("# nothing but a comment\n"), 1, 1, "the document is empty", "version: \"1\"");
    }

    @Test
    void refusesDocumentThatIsNotAMapping() {
        Problem problem = onlyProblem("- allow\n- deny\n");

        assertProblem(problem, 1, 1, "the policy must be a mapping with 'version' and 'rules'", "version: \"1\"");
    }

    @Test
    void reportsLineOfYamlSyntaxError() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                \teffect: allow
                """);

        assertProblem(problem, 4, 1, "YAML syntax error", "indentation");
    }

    @Test
    void reportsLineOfBadIndentation() {
        Problem problem = onlyProblem(
                """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                   reason: misaligned
                """);

        assertProblem(problem, 5, 4, "YAML syntax error", "indentation");
    }

    @Test
    void reportsEveryProblemNotOnlyTheFirst() {
        List<Problem> problems = problemsOf(
                """
                version: "1"
                rules:
                  - name: weekdays
                    effect: Allow
                    conditions:
                      mode: gui
                      time:
                        days: [funday]
                        timezone: Nowhere/City
                  - name: weekends
                    effect: deny
                    max_duration: 1d
                """);

        assertThat(problems)
                .extracting(Problem::line, Problem::column)
                .containsExactly(tuple(4, 13), tuple(6, 13), tuple(8, 16), tuple(9, 19), tuple(12, 19));
        assertThat(problems).extracting(Problem::message).allSatisfy(message -> assertThat(message)
                .isNotBlank());
    }

    @Test
    void exceptionMessageRendersEveryProblemWithFileLineAndColumn() {
        InvalidDocumentException e = refusal(
                """
                version: "1"
                rules:
                  - name: a
                    effect: Deny
                  - name: b
                    effect: alow
                """);

        assertThat(e.getMessage())
                .startsWith("Policy " + SOURCE + " is invalid (2 problems):")
                .contains(SOURCE + ":4:13: unknown effect 'Deny'")
                .contains(SOURCE + ":6:13: unknown effect 'alow' in rule 'b'. Fix: did you mean 'allow'?");
        assertThat(e.hint()).contains("nothing is issued");
        assertThat(e.exitCode()).isEqualTo(5);
    }

    private static String withConditions(String conditionLines) {
        return """
                version: "1"
                rules:
                  - name: a
                    effect: allow
                    conditions:
                      %s
                """
                .formatted(conditionLines);
    }

    private static String withTime(String timeLines) {
        return withConditions("time:\n        " + timeLines);
    }

    private static InvalidDocumentException refusal(String yaml) {
        try {
            PolicyParser.parse(SOURCE, yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.POLICY_INVALID);
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.source())
                    .isEqualTo(SOURCE));
            return e;
        }
        return fail("the policy was accepted:\n" + yaml);
    }

    private static List<Problem> problemsOf(String yaml) {
        return refusal(yaml).problems();
    }

    private static Problem onlyProblem(String yaml) {
        List<Problem> problems = problemsOf(yaml);
        assertThat(problems).as("problems").hasSize(1);
        return problems.get(0);
    }

    private static Problem find(List<Problem> problems, String messagePart) {
        List<Problem> matching =
                problems.stream().filter(p -> p.message().contains(messagePart)).toList();
        assertThat(matching)
                .as("problems mentioning '%s' in %s", messagePart, problems)
                .hasSize(1);
        return matching.get(0);
    }

    private static void assertProblem(Problem problem, int line, int column, String messagePart, String hintPart) {
        assertThat(problem.line()).as("line of %s", problem).isEqualTo(line);
        assertThat(problem.column()).as("column of %s", problem).isEqualTo(column);
        assertThat(problem.message()).contains(messagePart);
        assertThat(problem.hint()).contains(hintPart);
    }
}
