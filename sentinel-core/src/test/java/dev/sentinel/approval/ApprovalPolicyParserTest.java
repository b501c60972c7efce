package dev.sentinel.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.testing.DocumentMutations;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalPolicyParserTest {
    private static final String HEADER = "version: \"1\"\nrules:\n";

    private static final String FULL =
            """
            version: "1"
            description: production access
            pending_expiry: 4h
            rules:
              - name: prod-admins
                description: admin roles need two people
                profiles: [prod-admin, "prod-*-admin"]
                approvers: [alice, bob, carol]
                approvals_required: 2
                allow_self_approval: true
                max_duration: 2h
                auto_approve:
                  users: [oncall-bot]
                  time:
                    days: [mon, tuesday]
                    hours: {start: "09:00", end: "17:00"}
                    timezone: Europe/Berlin
                  max_duration: 1h
              - name: everything-else
                approvers: alice
            """;

    private static List<Problem> problems(String yaml) {
        try {
            ApprovalPolicyParser.parse("approvals.yaml", yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.APPROVAL_POLICY_INVALID);
            return e.problems();
        }
        throw new AssertionError("expected the approval policy to be rejected:\n" + yaml);
    }

    private static Problem only(String yaml) {
        List<Problem> found = problems(yaml);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void refusesARuleWithoutApprovers() {
        Problem missing = only(HEADER + "  - name: prod\n    profiles: [prod]\n");
        assertThat(missing.line()).isEqualTo(3);
        assertThat(missing.message()).isEqualTo("rule 'prod' has no approvers.");
        assertThat(missing.hint()).contains("approvers: [name, ...]");

        Problem empty = only(HEADER + "  - name: prod\n    approvers: []\n");
        assertThat(empty.line()).isEqualTo(4);
        assertThat(empty.message()).contains("approvers is an empty list");
    }

    @Test
    void refusesMoreRequiredApprovalsThanApprovers() {
        Problem tooMany =
                only(HEADER + "  - name: prod\n    approvers: [alice, bob, alice]\n    approvals_required: 3\n");
        assertThat(tooMany.line()).isEqualTo(5);
        assertThat(tooMany.column()).isEqualTo(25);
        assertThat(tooMany.message()).contains("only 2 approvers are listed");
        assertThat(tooMany.hint()).contains("at most 2");

        Problem zero = only(HEADER + "  - name: prod\n    approvers: [alice]\n    approvals_required: 0\n");
        assertThat(zero.line()).isEqualTo(5);
        assertThat(zero.hint()).contains("auto_approve");

        Problem quoted = only(HEADER + "  - name: prod\n    approvers: [alice]\n    approvals_required: \"1\"\n");
        assertThat(quoted.message()).contains("whole number");
        assertThat(quoted.hint()).contains("without quotes");
    }

    @Test
    void acceptsAnyCountWhenApproversAreGlobs() {
        ApprovalPolicy policy = ApprovalPolicyParser.parse(
                "approvals.yaml", HEADER + "  - name: prod\n    approvers: [\"sre-*\"]\n    approvals_required: 3\n");
        assertThat(policy.rules().get(0).approvalsRequired()).isEqualTo(3);
    }

    @Test
    void suggestsTheKeyThatWasMeant() {
        Problem inRule = only(HEADER + "  - name: prod\n    approvers: [alice]\n    aprovals_required: 1\n");
        assertThat(inRule.line()).isEqualTo(5);
        assertThat(inRule.column()).isEqualTo(5);
        assertThat(inRule.message()).contains("unknown key 'aprovals_required'");
        assertThat(inRule.hint()).isEqualTo("did you mean 'approvals_required'?");

        Problem top = only("version: \"1\"\npending_expiri: 1h\nrules: []\n");
        assertThat(top.line()).isEqualTo(2);
        assertThat(top.hint()).isEqualTo("did you mean 'pending_expiry'?");

        Problem auto = only(HEADER + "  - name: prod\n    approvers: [alice]\n    auto_approve:\n      user: [bot]\n");
        assertThat(auto.line()).isEqualTo(6);
        assertThat(auto.hint()).isEqualTo("did you mean 'users'?");
    }

    @Test
    void refusesBadDurationText() {
        Problem text = only("version: \"1\"\npending_expiry: a day\nrules: []\n");
        assertThat(text.line()).isEqualTo(2);
        assertThat(text.message()).contains("'a day' is not a duration");
        assertThat(text.hint()).contains("1h30m");

        Problem bare = only(HEADER + "  - name: prod\n    approvers: [alice]\n    max_duration: 60\n");
        assertThat(bare.line()).isEqualTo(5);
        assertThat(bare.message()).contains("'60' is not a duration");
    }

    @Test
    void refusesDurationsOutsideTheirLimits() {
        Problem expiry = only("version: \"1\"\npending_expiry: 200h\nrules: []\n");
        assertThat(expiry.message()).contains("outside 5m to 168h");
        assertThat(expiry.hint()).contains("7 days");
        assertThat(only("version: \"1\"\npending_expiry: 1m\nrules: []\n").message())
                .contains("outside 5m to 168h");

        Problem tooLong = only(HEADER + "  - name: prod\n    approvers: [alice]\n    max_duration: 13h\n");
        assertThat(tooLong.line()).isEqualTo(5);
        assertThat(tooLong.message()).contains("outside 15m to 12h");

        Problem autoLonger = only(HEADER
                + "  - name: prod\n    approvers: [alice]\n    max_duration: 2h\n"
                + "    auto_approve:\n      max_duration: 3h\n");
        assertThat(autoLonger.line()).isEqualTo(7);
        assertThat(autoLonger.message()).contains("longer than the rule's max_duration 2h");
        assertThat(autoLonger.hint()).contains("at most 2h");

        Problem autoOverDefault =
                only(HEADER + "  - name: prod\n    approvers: [alice]\n    auto_approve: {max_duration: 9h}\n");
        assertThat(autoOverDefault.message()).contains("max_duration 8h");
    }

    @Test
    void refusesAutoApprovalWithoutConditions() {
        Problem empty = only(HEADER + "  - name: prod\n    approvers: [alice]\n    auto_approve: {}\n");
        assertThat(empty.line()).isEqualTo(5);
        assertThat(empty.message()).contains("approve every request");
        assertThat(empty.hint()).contains("users, time or max_duration");
    }

    @Test
    void refusesDuplicateRuleNames() {
        Problem twice = only(HEADER
                + "  - name: prod\n    profiles: [prod]\n    approvers: [alice]\n"
                + "  - name: prod\n    profiles: [staging]\n    approvers: [bob]\n");
        assertThat(twice.line()).isEqualTo(6);
        assertThat(twice.message()).isEqualTo("rule name 'prod' is used twice (first on line 3).");
        assertThat(twice.hint()).contains("unique name");
    }

    @Test
    void refusesARuleAfterOneThatCoversEveryProfile() {
        Problem dead = only(HEADER
                + "  - name: everything\n    approvers: [alice]\n"
                + "  - name: prod\n    profiles: [prod]\n    approvers: [bob]\n");
        assertThat(dead.line()).isEqualTo(5);
        assertThat(dead.message())
                .isEqualTo("rule 'prod' can never apply: rule 'everything' (line 3) comes first and covers every"
                        + " profile (it has no 'profiles').");
        assertThat(dead.hint()).contains("Move 'prod' above 'everything'");
    }

    @Test
    void refusesARuleWhoseProfilesAnEarlierGlobCovers() {
        Problem dead = only(HEADER
                + "  - name: all-prod\n    profiles: [\"prod-*\"]\n    approvers: [alice]\n"
                + "  - name: prod-admin\n    profiles: [prod-admin]\n    approvers: [bob]\n");
        assertThat(dead.line()).isEqualTo(6);
        assertThat(dead.message()).contains("covers every profile this rule names");
    }

    @Test
    void refusesAWrongOrMissingVersion() {
        Problem wrong = only("version: \"2\"\nrules: []\n");
        assertThat(wrong.line()).isEqualTo(1);
        assertThat(wrong.column()).isEqualTo(10);
        assertThat(wrong.message()).isEqualTo("unsupported approval policy version.");
        assertThat(wrong.hint()).contains("version: \"1\"");
        assertThat(only("rules: []\n").message()).contains("no 'version'");
        assertThat(only("version: \"1\"\n").message()).contains("no 'rules'");
    }

    @Test
    void refusesAnEmptyDocument() {
        Problem empty = only("");
        assertThat(empty.line()).isEqualTo(1);
        assertThat(empty.message()).contains("empty");
        assertThat(empty.hint()).contains("version: \"1\"");
    }

    @Test
    void refusesADocumentThatIsNotAMapping() {
        Problem list = only("- name: prod\n  approvers: [alice]\n");
        assertThat(list.line()).isEqualTo(1);
        assertThat(list.message()).contains("must be a mapping with 'version' and 'rules'");
        assertThat(list.hint()).contains("docs/approvals.md");
    }

    @Test
    void refusesAnEmptyProfileListRatherThanCoveringEveryProfile() {
        Problem empty = only(HEADER + "  - name: prod\n    profiles: []\n    approvers: [alice]\n");
        assertThat(empty.line()).isEqualTo(4);
        assertThat(empty.hint()).contains("remove 'profiles' to cover every profile");
        assertThat(only(HEADER + "  - name: prod\n    profiles: [\"profile prod\"]\n    approvers: [alice]\n")
                        .message())
                .contains("not a valid profile name");
    }

    @Test
    void checksTheAutoApprovalTimeBlockLikeTheAccessPolicy() {
        Problem zone = only(HEADER
                + "  - name: prod\n    approvers: [alice]\n    auto_approve:\n"
                + "      time: {days: [monday], timezone: Mars/Olympus}\n");
        assertThat(zone.line()).isEqualTo(6);
        assertThat(zone.message()).contains("unknown time zone 'Mars/Olympus'");
        assertThat(zone.hint()).contains("IANA");
    }

    @Test
    void reportsEveryProblemTogether() {
        List<Problem> found = problems(
                """
                version: "2"
                pending_expiry: forever
                rules:
                  - name: a
                    approvers: [alice]
                    approvals_required: 2
                  - name: b
                    profiles: [prod]
                  - name: a
                    approvers: [carol]
                    auto_approve: {time: {days: [someday]}}
                """);
        assertThat(found)
                .extracting(Problem::line)
                .as("version, duration, approvals, unreachable b, b without approvers, duplicate a,"
                        + " unreachable a, bad day")
                .containsExactly(1, 2, 6, 7, 7, 9, 9, 11);
        assertThat(found.get(5).message()).contains("used twice");
        assertThat(found.get(6).message()).contains("can never apply");
    }

    @Test
    void theExceptionMessageNamesFileLineAndFix() {
        assertThatThrownBy(() -> ApprovalPolicyParser.parse(
                        "approvals/prod.yaml", HEADER + "  - name: prod\n    approvers: [alice]\n    self: true\n"))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageStartingWith("Approval policy approvals/prod.yaml is invalid (1 problem)")
                .hasMessageContaining("approvals/prod.yaml:5:5: unknown key 'self' in rule 'prod'.");
    }

    @Test
    void parsesAFullPolicyWithDefaults() {
        ApprovalPolicy policy = ApprovalPolicyParser.parse("approvals.yaml", FULL);
        assertThat(policy.pendingExpiry()).isEqualTo(Duration.ofHours(4));
        assertThat(policy.rules()).hasSize(2);

        ApprovalRule admins = policy.rules().get(0);
        assertThat(admins.name()).isEqualTo("prod-admins");
        assertThat(admins.profiles().names()).containsExactly("prod-admin", "prod-*-admin");
        assertThat(admins.approvers().names()).containsExactly("alice", "bob", "carol");
        assertThat(admins.approvalsRequired()).isEqualTo(2);
        assertThat(admins.allowSelfApproval()).isTrue();
        assertThat(admins.maxDuration()).isEqualTo(Duration.ofHours(2));
        AutoApprove auto = admins.autoApprove();
        assertThat(auto.users().names()).containsExactly("oncall-bot");
        assertThat(auto.maxDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(auto.time().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(auto.time().days()).containsExactly(DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
        assertThat(auto.time().startMinute()).isEqualTo(9 * 60);
        assertThat(auto.time().endMinute()).isEqualTo(17 * 60);
        // Monday 2026-01-05 09:30 in Berlin is 08:30 UTC; 16:30 UTC is 17:30 in Berlin.
        assertThat(auto.applies("oncall-bot", Duration.ofMinutes(30), Instant.parse("2026-01-05T08:30:00Z")))
                .isTrue();
        assertThat(auto.applies("oncall-bot", Duration.ofMinutes(30), Instant.parse("2026-01-05T16:30:00Z")))
                .isFalse();

        ApprovalRule rest = policy.rules().get(1);
        assertThat(rest.profiles()).isNull();
        assertThat(rest.approvers().names()).containsExactly("alice");
        assertThat(rest.approvalsRequired()).isEqualTo(1);
        assertThat(rest.allowSelfApproval()).isFalse();
        assertThat(rest.maxDuration()).isEqualTo(ApprovalPolicy.DEFAULT_MAX_DURATION);
        assertThat(rest.autoApprove()).isNull();

        assertThat(policy.ruleFor("prod-eu-admin")).contains(admins);
        assertThat(policy.ruleFor("staging")).contains(rest);
    }

    @Test
    void usesTheDefaultPendingExpiryAndAcceptsNoRules() {
        ApprovalPolicy policy = ApprovalPolicyParser.parse("approvals.yaml", "version: \"1\"\nrules: []\n");
        assertThat(policy.pendingExpiry()).isEqualTo(ApprovalPolicy.DEFAULT_PENDING_EXPIRY);
        assertThat(policy.rules()).isEmpty();
        assertThat(policy.ruleFor("prod")).isEmpty();
    }

    @Test
    void answersEveryMutationOfAValidPolicyWithAPolicyOrItsOwnError() {
        int rejected = 0;
        int accepted = 0;
        for (String variant : DocumentMutations.of(FULL)) {
            try {
                ApprovalPolicyParser.parse("approvals.yaml", variant);
                accepted++;
            } catch (InvalidDocumentException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.APPROVAL_POLICY_INVALID);
                assertThat(e.problems()).as(variant).isNotEmpty();
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(100);
        assertThat(accepted).isGreaterThan(10);
    }
}
