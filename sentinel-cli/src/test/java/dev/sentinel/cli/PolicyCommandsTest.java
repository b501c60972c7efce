package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy commands through the real command line; none of them needs AWS. */
class PolicyCommandsTest {
    private static final String POLICY =
            """
            version: "1"
            rules:
              - name: office
                effect: allow
                conditions:
                  profiles: [prod]
                  users: [alice]
                  time: {days: [monday, tuesday, wednesday, thursday, friday], hours: {start: "09:00", end: "17:00"}, timezone: Europe/Berlin}
              - name: closed
                effect: deny
                reason: outside office hours
              - name: never
                effect: allow
                conditions: {users: [bob]}
            """;

    @TempDir
    Path dir;

    private Path policies;

    record Result(int exit, String out, String err) {}

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(
                "SENTINEL_HOME",
                dir.resolve("home").toString(),
                "AWS_CONFIG_FILE",
                dir.resolve("aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.resolve("none").toString());
        int exit = Main.run(
                new Platform(
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        Clock.fixed(Instant.parse("2026-11-23T08:30:00Z"), ZoneOffset.UTC),
                        dir,
                        false),
                args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void write() throws IOException {
        policies = Files.createDirectories(dir.resolve("home/policies"));
        Files.writeString(policies.resolve("default.yaml"), POLICY);
        Files.writeString(dir.resolve("aws-config"), "[profile prod]\nregion = us-east-1\n");
    }

    @Test
    void validateReportsLintWarningsAndExitsZero() {
        Result result =
                run("policy", "validate", policies.resolve("default.yaml").toString());
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("warning [unreachable-rule]", "'never'", "valid, 0 error(s), 1 warning(s)");
    }

    @Test
    void strictLintFailsOnWarnings() {
        Result result = run(
                "policy",
                "lint",
                "--strict",
                "--json",
                policies.resolve("default.yaml").toString());
        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.out())
                .startsWith("{\"schemaVersion\":1,\"ok\":false,")
                .contains("\"check\":\"unreachable-rule\"", "\"line\":12");
    }

    @Test
    void validateRejectsAnInvalidPolicyWithItsLine() throws IOException {
        Path bad =
                Files.writeString(dir.resolve("bad.yaml"), "version: \"1\"\nrules:\n  - name: a\n    effect: Allow\n");
        Result result = run("policy", "validate", bad.toString());
        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.out())
                .contains("bad.yaml:4:13: error: unknown effect 'Allow'", "Fix: did you mean 'allow'?", "INVALID");
    }

    @Test
    void lintComparesProfilesWithTheAwsConfig() throws IOException {
        Path typo = Files.writeString(
                dir.resolve("typo.yaml"),
                "version: \"1\"\nrules:\n  - name: a\n    effect: allow\n    conditions: {profiles: [prdo]}\n");
        assertThat(run("policy", "lint", typo.toString()).out()).contains("unknown-profile", "'prdo'");
        assertThat(run("policy", "lint", "--no-aws-config", typo.toString()).out())
                .doesNotContain("unknown-profile");
    }

    @Test
    void explainShowsEveryRuleAndTheDecision() {
        Result inHours =
                run("policy", "explain", "--profile", "prod", "--user", "alice", "--time", "2026-11-23T10:00:00+01:00");
        assertThat(inHours.exit()).isZero();
        assertThat(inHours.out())
                .contains("decision: ALLOW by rule 'office' (line 3)", "#1  matched", "#2  not considered");

        Result late = run(
                "policy",
                "explain",
                "--profile",
                "prod",
                "--user",
                "alice",
                "--time",
                "2026-11-23T20:00:00+01:00",
                "--json");
        assertThat(late.out())
                .startsWith("{\"schemaVersion\":1,")
                .contains(
                        "\"effect\":\"deny\"",
                        "\"rule\":\"closed\"",
                        "\"failed\":\"time\"",
                        "\"status\":\"not_considered\"");
    }

    @Test
    void explainUsesTheClockWhenNoTimeIsGiven() {
        Result now = run("policy", "explain", "--profile", "prod", "--user", "alice", "--json");
        assertThat(now.out()).contains("\"time\":\"2026-11-23T08:30:00Z\"", "\"rule\":\"office\"");
    }

    @Test
    void policyTestsPassFailAndReportUnexercisedRules() throws IOException {
        Files.writeString(
                policies.resolve("default.test.yaml"),
                """
                cases:
                  - name: alice on a monday morning
                    request: {profile: prod, user: alice, time: "2026-11-23T10:00:00+01:00"}
                    expect: {effect: allow, rule: office}
                  - name: alice at night
                    request: {profile: prod, user: alice, time: "2026-11-23T23:00:00+01:00"}
                    expect: {effect: deny, rule: closed}
                """);
        Result passing = run("policy", "test");
        assertThat(passing.exit()).as(passing.out() + passing.err()).isZero();
        assertThat(passing.out()).contains("policy tests: 2 passed, 0 failed", "1 rule(s) no test exercised: never");

        Files.writeString(
                policies.resolve("default.test.yaml"),
                """
                cases:
                  - name: wrong expectation
                    request: {profile: prod, user: bob}
                    expect: {effect: allow}
                """);
        Result failing = run("policy", "test", policies.toString());
        assertThat(failing.exit()).isEqualTo(5);
        assertThat(failing.out())
                .contains(
                        "FAIL",
                        "wrong expectation",
                        "expected allow, got deny by rule 'closed'",
                        "policy tests: 0 passed, 1 failed");
    }

    @Test
    void policyTestWithoutTestFilesSaysSo() throws IOException {
        Result result = run(
                "policy", "test", Files.createDirectories(dir.resolve("empty")).toString());
        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.err()).contains("POLICY_TEST_FAILED", "No policy tests");
    }

    @Test
    void signAndVerifyBindTheSignatureToTheProfile() throws IOException {
        Path file = policies.resolve("default.yaml");
        Result signed = run("policy", "sign", "--for", "prod", file.toString());
        assertThat(signed.exit()).as(signed.err()).isZero();
        assertThat(policies.resolve("default.yaml.sig")).exists();
        assertThat(dir.resolve("home/keys/policy-ed25519.key")).exists();

        Result ok = run("policy", "verify", "--for", "prod", file.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK:", "signed for 'prod' by ed25519:");

        Result moved = run("policy", "verify", "--for", "dev", file.toString());
        assertThat(moved.exit()).isEqualTo(5);
        assertThat(moved.err()).contains("POLICY_SIGNATURE_INVALID", "made for 'prod', not for 'dev'");

        Files.writeString(file, POLICY.replace("outside office hours", "closed"));
        Result edited = run("policy", "verify", "--for", "prod", file.toString());
        assertThat(edited.exit()).isEqualTo(5);
        assertThat(edited.err()).contains("bytes changed");
    }

    @Test
    void signRefusesAnInvalidPolicy() throws IOException {
        Path bad =
                Files.writeString(dir.resolve("bad.yaml"), "version: \"1\"\nrules:\n  - name: a\n    effect: Allow\n");
        assertThat(run("policy", "sign", "--for", "prod", bad.toString()).exit())
                .isEqualTo(5);
        assertThat(dir.resolve("bad.yaml.sig")).doesNotExist();
    }

    @Test
    void pushValidatesSignsKeepsHistoryAndPullReturnsTheExactBytes() throws IOException {
        Path draft = Files.writeString(dir.resolve("draft.yaml"), POLICY.replace("outside office hours", "new reason"));
        Result pushed = run("policy", "push", "prod", draft.toString(), "--sign");
        assertThat(pushed.exit()).as(pushed.err()).isZero();
        assertThat(pushed.err()).contains("pushed", "prod.yaml", "signed by ed25519:");
        assertThat(Files.readString(policies.resolve("prod.yaml"))).isEqualTo(Files.readString(draft));
        assertThat(run(
                                "policy",
                                "verify",
                                "--for",
                                "prod",
                                policies.resolve("prod.yaml").toString())
                        .exit())
                .isZero();

        Path second = Files.writeString(dir.resolve("second.yaml"), POLICY);
        assertThat(run("policy", "push", "prod", second.toString()).exit()).isZero();
        assertThat(policies.resolve("prod.yaml.sig")).doesNotExist();
        try (var history = Files.list(policies.resolve(".history"))) {
            assertThat(history.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("prod.") && n.endsWith(".yaml"))
                    .anyMatch(n -> n.endsWith(".yaml.sig"));
        }

        Result pulled = run("policy", "pull", "prod");
        assertThat(pulled.out()).isEqualTo(POLICY);

        Path invalid = Files.writeString(
                dir.resolve("invalid.yaml"), "version: \"1\"\nrules:\n  - name: a\n    effect: maybe\n");
        assertThat(run("policy", "push", "prod", invalid.toString()).exit()).isEqualTo(5);
        assertThat(Files.readString(policies.resolve("prod.yaml"))).isEqualTo(POLICY);
    }

    @Test
    void diffShowsAUnifiedDiffAgainstThePublishedPolicy() throws IOException {
        Path draft = Files.writeString(dir.resolve("draft.yaml"), POLICY.replace("outside office hours", "new reason"));
        Result different = run("policy", "diff", "default", draft.toString());
        assertThat(different.exit()).isEqualTo(1);
        assertThat(different.out()).contains("-    reason: outside office hours", "+    reason: new reason", "@@");
        Result same = run(
                "policy", "diff", "default", policies.resolve("default.yaml").toString());
        assertThat(same.exit()).isZero();
        assertThat(same.out()).isEmpty();
    }

    @Test
    void pullingAPolicyThatWasNeverPublishedSaysHowToPublishIt() {
        Result result = run("policy", "pull", "nothing-here");
        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.err()).contains("POLICY_NOT_FOUND", "sentinel policy push nothing-here");
    }

    @Test
    void behaviourDiffListsRequestsWhoseDecisionChanges() throws IOException {
        Path before = policies.resolve("default.yaml");
        Path after =
                Files.writeString(dir.resolve("after.yaml"), POLICY.replace("users: [alice]", "users: [alice, carol]"));
        Result changed = run("policy", "diff", "--behaviour", before.toString(), after.toString());
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.out()).contains("profile prod, user carol", "deny (rule 'closed') -> allow (rule 'office')");
        assertThat(changed.out()).doesNotContain("user alice");
        assertThat(run("policy", "diff", "--behaviour", before.toString(), before.toString())
                        .exit())
                .isZero();
    }

    @Test
    void explainTakesDeviceFacts() throws IOException {
        Path managed = Files.writeString(
                dir.resolve("managed.yaml"),
                "version: \"1\"\nrules:\n  - name: managed\n    effect: allow\n    conditions:\n      device: {require_mdm: true, allowed_os_types: [darwin]}\n");
        Result none = run("policy", "explain", "--profile", "prod", "--user", "alice", "--policy", managed.toString());
        assertThat(none.out()).contains("decision: DENY", "no device posture is available");
        Result mac = run(
                "policy",
                "explain",
                "--profile",
                "prod",
                "--user",
                "alice",
                "--policy",
                managed.toString(),
                "--device",
                "mdm_enrolled=true",
                "--device",
                "os_type=darwin");
        assertThat(mac.out()).contains("decision: ALLOW by rule 'managed'");
        Result typo = run("policy", "explain", "--profile", "prod", "--user", "alice", "--device", "mdm=true");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown device fact 'mdm'");
    }
}
