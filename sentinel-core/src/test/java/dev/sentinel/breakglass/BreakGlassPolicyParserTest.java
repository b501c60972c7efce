package dev.sentinel.breakglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.testing.DocumentMutations;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakGlassPolicyParserTest {
    private static final String RULE = "version: \"1\"\nrules:\n  - name: prod\n    users: [alice]\n";

    private static final String FULL =
            """
            version: "1"
            description: emergency access
            rules:
              - name: prod-incident
                description: on-call engineers during incidents
                profiles: [prod-admin, "prod-*"]
                users: [alice, bob]
                reason_codes: [incident, security]
                time:
                  days: [saturday, sunday]
                  hours: {start: "22:00", end: "06:00"}
                  timezone: America/New_York
                max_duration: 2h
                mfa:
                  required: true
                  methods: [totp, sms]
                rate_limit:
                  cooldown: 30m
                  max_per_user: 3
                  max_per_profile: 10
                  window: 24h
                  escalation_threshold: 2
              - name: anyone-else
                users: ["*"]
            """;

    private static List<Problem> problems(String yaml) {
        try {
            BreakGlassPolicyParser.parse("breakglass.yaml", yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BREAKGLASS_POLICY_INVALID);
            return e.problems();
        }
        throw new AssertionError("expected the break-glass policy to be rejected:\n" + yaml);
    }

    private static Problem only(String yaml) {
        List<Problem> found = problems(yaml);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void refusesARuleWithoutUsers() {
        Problem missing = only("version: \"1\"\nrules:\n  - name: prod\n    profiles: [prod]\n");
        assertThat(missing.line()).isEqualTo(3);
        assertThat(missing.message()).isEqualTo("rule 'prod' has no users.");
        assertThat(missing.hint()).contains("users: [name, ...]");

        Problem empty = only("version: \"1\"\nrules:\n  - name: prod\n    users: []\n");
        assertThat(empty.line()).isEqualTo(4);
        assertThat(empty.message()).contains("users is an empty list");
    }

    @Test
    void refusesUnknownReasonCodesWithASuggestion() {
        Problem typo = only(RULE + "    reason_codes: [incident, securty]\n");
        assertThat(typo.line()).isEqualTo(5);
        assertThat(typo.column()).isEqualTo(30);
        assertThat(typo.message()).isEqualTo("unknown reason code 'securty' in rule 'prod'.");
        assertThat(typo.hint()).isEqualTo("did you mean 'security'?");

        assertThat(only(RULE + "    reason_codes: [Incident]\n").hint()).isEqualTo("did you mean 'incident'?");
        assertThat(only(RULE + "    reason_codes: [boredom]\n").hint())
                .isEqualTo("use any of incident, maintenance, security, recovery, other.");
        assertThat(only(RULE + "    reason_codes: []\n").hint()).contains("remove 'reason_codes'");
    }

    @Test
    void refusesRequiredMfaWithoutMethods() {
        Problem none = only(RULE + "    mfa:\n      required: true\n");
        assertThat(none.line()).isEqualTo(6);
        assertThat(none.message()).isEqualTo("rule 'prod' mfa requires a second factor but lists no methods.");
        assertThat(none.hint()).contains("methods: [totp]");

        Problem empty = only(RULE + "    mfa:\n      required: true\n      methods: []\n");
        assertThat(empty.line()).isEqualTo(7);
    }

    @Test
    void refusesUnknownMfaMethodsAndAnMfaBlockThatDoesNotSayRequired() {
        Problem method = only(RULE + "    mfa: {required: true, methods: [totp, yubikey]}\n");
        assertThat(method.line()).isEqualTo(5);
        assertThat(method.message()).contains("unknown MFA method 'yubikey'");
        assertThat(method.hint()).isEqualTo("use any of sms, totp.");
        assertThat(only(RULE + "    mfa: {required: true, methods: [TOTP]}\n").hint())
                .isEqualTo("did you mean 'totp'?");

        Problem unsaid = only(RULE + "    mfa: {methods: [totp]}\n");
        assertThat(unsaid.line()).isEqualTo(5);
        assertThat(unsaid.hint()).contains("required: true");
    }

    @Test
    void refusesAQuotaWithoutAWindow() {
        Problem noWindow = only(RULE + "    rate_limit:\n      max_per_user: 3\n      escalation_threshold: 2\n");
        assertThat(noWindow.line()).isEqualTo(6);
        assertThat(noWindow.message())
                .isEqualTo("rule 'prod' rate_limit counts events (max_per_user, escalation_threshold) but has no"
                        + " window to count them in.");
        assertThat(noWindow.hint()).contains("window: 24h");

        assertThat(only(RULE + "    rate_limit: {max_per_profile: 3, window: 0s}\n")
                        .message())
                .contains("window is zero");
    }

    @Test
    void refusesRateLimitsThatLimitNothingOrAreNotPositive() {
        Problem nothing = only(RULE + "    rate_limit: {window: 24h}\n");
        assertThat(nothing.line()).isEqualTo(5);
        assertThat(nothing.message()).contains("sets no limit");
        assertThat(nothing.hint()).contains("cooldown, max_per_user, max_per_profile or escalation_threshold");

        Problem zero = only(RULE + "    rate_limit:\n      max_per_user: 0\n      window: 24h\n");
        assertThat(zero.line()).isEqualTo(6);
        assertThat(zero.message()).contains("at least 1");

        Problem text = only(RULE + "    rate_limit:\n      max_per_user: three\n      window: 24h\n");
        assertThat(text.line()).isEqualTo(6);
        assertThat(text.message()).contains("whole number");
    }

    @Test
    void refusesMaxDurationOverFourHours() {
        Problem tooLong = only(RULE + "    max_duration: 5h\n");
        assertThat(tooLong.line()).isEqualTo(5);
        assertThat(tooLong.column()).isEqualTo(19);
        assertThat(tooLong.message()).isEqualTo("rule 'prod' max_duration 5h is outside 15m to 4h.");
        assertThat(tooLong.hint()).contains("at most 4h");
        assertThat(only(RULE + "    max_duration: 10m\n").message()).contains("outside 15m to 4h");
    }

    @Test
    void refusesBadDurationText() {
        Problem text = only(RULE + "    max_duration: 2 hours\n");
        assertThat(text.line()).isEqualTo(5);
        assertThat(text.message()).contains("'2 hours' is not a duration");
        assertThat(text.hint()).contains("1h30m");

        assertThat(only(RULE + "    rate_limit: {cooldown: 1d}\n").message()).contains("'1d' is not a duration");
    }

    @Test
    void suggestsTheKeyThatWasMeant() {
        Problem inRule = only(RULE + "    reason_code: [incident]\n");
        assertThat(inRule.line()).isEqualTo(5);
        assertThat(inRule.column()).isEqualTo(5);
        assertThat(inRule.message()).isEqualTo("unknown key 'reason_code' in rule 'prod'.");
        assertThat(inRule.hint()).isEqualTo("did you mean 'reason_codes'?");

        Problem inLimit = only(RULE + "    rate_limit: {cooldown: 30m, max_per_usr: 2, window: 1h}\n");
        assertThat(inLimit.hint()).isEqualTo("did you mean 'max_per_user'?");
    }

    @Test
    void refusesDuplicateRuleNames() {
        Problem twice = only(RULE + "    profiles: [prod]\n  - name: prod\n    users: [bob]\n");
        assertThat(twice.line()).isEqualTo(6);
        assertThat(twice.message()).isEqualTo("rule name 'prod' is used twice (first on line 3).");
        assertThat(twice.hint()).contains("unique name");
    }

    @Test
    void refusesARuleAnEarlierRuleAlwaysDecides() {
        Problem dead = only(
                """
                version: "1"
                rules:
                  - name: sre
                    users: [alice, bob]
                  - name: alice-prod
                    profiles: [prod]
                    users: [alice]
                    reason_codes: [incident]
                """);
        assertThat(dead.line()).isEqualTo(5);
        assertThat(dead.message())
                .isEqualTo("rule 'alice-prod' can never apply: rule 'sre' (line 3) comes first and covers every user"
                        + " and profile it names.");
        assertThat(dead.hint()).contains("Move 'alice-prod' above 'sre'");
    }

    @Test
    void acceptsALaterRuleForOtherUsers() {
        BreakGlassPolicy policy = BreakGlassPolicyParser.parse(
                "breakglass.yaml", RULE + "  - name: bob-prod\n    profiles: [prod]\n    users: [bob]\n");
        assertThat(policy.ruleFor("bob", "prod").map(BreakGlassRule::name)).contains("bob-prod");
        assertThat(policy.ruleFor("alice", "prod").map(BreakGlassRule::name)).contains("prod");
    }

    @Test
    void refusesAWrongOrMissingVersion() {
        Problem wrong = only("version: \"2\"\nrules: []\n");
        assertThat(wrong.line()).isEqualTo(1);
        assertThat(wrong.message()).isEqualTo("unsupported break-glass policy version.");
        assertThat(wrong.hint()).contains("version: \"1\"");
        assertThat(only("rules: []\n").message()).contains("no 'version'");
        assertThat(only("version: \"1\"\n").message()).contains("no 'rules'");
    }

    @Test
    void refusesAnEmptyDocument() {
        Problem empty = only("# nothing yet\n");
        assertThat(empty.line()).isEqualTo(1);
        assertThat(empty.message()).contains("empty");
        assertThat(empty.hint()).contains("version: \"1\"");
    }

    @Test
    void refusesADocumentThatIsNotAMapping() {
        Problem scalar = only("break glass for everyone\n");
        assertThat(scalar.line()).isEqualTo(1);
        assertThat(scalar.message()).contains("must be a mapping with 'version' and 'rules'");
        assertThat(scalar.hint()).contains("docs/breakglass.md");
    }

    @Test
    void reportsEveryProblemTogether() {
        List<Problem> found = problems(
                """
                version: "1"
                rules:
                  - name: a
                    users: [alice]
                    reason_codes: [outage]
                    max_duration: 6h
                    mfa: {required: true}
                  - name: b
                    users: [bob]
                    rate_limit: {max_per_profile: 2}
                    time: {hours: {start: "9:00", end: "17:00"}}
                """);
        assertThat(found)
                .extracting(Problem::line)
                .as("reason code, duration, mfa, time, rate limit")
                .containsExactly(5, 6, 7, 11, 10);
    }

    @Test
    void theExceptionMessageNamesFileLineAndFix() {
        assertThatThrownBy(() -> BreakGlassPolicyParser.parse("bg/prod.yaml", RULE + "    reason_codes: incidnt\n"))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageStartingWith("Break-glass policy bg/prod.yaml is invalid (1 problem)")
                .hasMessageContaining("bg/prod.yaml:5:19: unknown reason code 'incidnt' in rule 'prod'.")
                .hasMessageContaining("Fix: did you mean 'incident'?");
    }

    @Test
    void parsesAFullPolicyWithDefaults() {
        BreakGlassPolicy policy = BreakGlassPolicyParser.parse("breakglass.yaml", FULL);
        assertThat(policy.rules()).hasSize(2);

        BreakGlassRule incident = policy.rules().get(0);
        assertThat(incident.name()).isEqualTo("prod-incident");
        assertThat(incident.profiles().names()).containsExactly("prod-admin", "prod-*");
        assertThat(incident.users().names()).containsExactly("alice", "bob");
        assertThat(incident.reasonCodes()).containsExactlyInAnyOrder(ReasonCode.INCIDENT, ReasonCode.SECURITY);
        assertThat(incident.time().zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(incident.time().days()).containsExactly(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        assertThat(incident.time().startMinute()).isEqualTo(22 * 60);
        assertThat(incident.time().endMinute()).isEqualTo(6 * 60);
        assertThat(incident.maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(incident.mfa()).isEqualTo(new MfaRequirement(true, java.util.Set.of("totp", "sms")));
        assertThat(incident.rateLimit())
                .isEqualTo(new RateLimit(Duration.ofMinutes(30), 3, 10, Duration.ofHours(24), 2));

        BreakGlassRule rest = policy.rules().get(1);
        assertThat(rest.profiles()).isNull();
        assertThat(rest.reasonCodes()).isEmpty();
        assertThat(rest.time()).isNull();
        assertThat(rest.maxDuration()).isEqualTo(BreakGlassRule.DEFAULT_DURATION);
        assertThat(rest.mfa()).isNull();
        assertThat(rest.rateLimit()).isNull();

        assertThat(policy.ruleFor("alice", "prod-eu")).contains(incident);
        assertThat(policy.ruleFor("carol", "prod-eu")).contains(rest);
    }

    @Test
    void acceptsACooldownAloneAndOptionalMfa() {
        BreakGlassRule rule = BreakGlassPolicyParser.parse(
                        "breakglass.yaml", RULE + "    mfa: {required: false}\n    rate_limit: {cooldown: 1h}\n")
                .rules()
                .get(0);
        assertThat(rule.mfa().required()).isFalse();
        assertThat(rule.rateLimit().cooldown()).isEqualTo(Duration.ofHours(1));
        assertThat(rule.rateLimit().window()).isNull();
    }

    @Test
    void answersEveryMutationOfAValidPolicyWithAPolicyOrItsOwnError() {
        int rejected = 0;
        int accepted = 0;
        for (String variant : DocumentMutations.of(FULL)) {
            try {
                BreakGlassPolicyParser.parse("breakglass.yaml", variant);
                accepted++;
            } catch (InvalidDocumentException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.BREAKGLASS_POLICY_INVALID);
                assertThat(e.problems()).as(variant).isNotEmpty();
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(100);
        assertThat(accepted).isGreaterThan(10);
    }
}
