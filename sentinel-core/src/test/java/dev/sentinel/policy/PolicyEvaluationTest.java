package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEvaluationTest {
    // 2026-11-20 is a Friday.
    private static final Instant FRIDAY_NOON_UTC = Instant.parse("2026-11-20T12:00:00Z");

    private static Policy policy(String rules) {
        return PolicyParser.parse("p.yaml", "version: \"1\"\nrules:\n" + rules);
    }

    private static EvaluationRequest request(
            String profile, String user, Mode mode, Instant time, DevicePosture device) {
        return new EvaluationRequest(new ProfileName(profile), user, mode, time, device);
    }

    private static EvaluationRequest request(String profile, String user, Instant time) {
        return request(profile, user, Mode.CREDENTIAL_PROCESS, time, null);
    }

    @Test
    void theFirstMatchingRuleWins() {
        Policy p = policy(
                """
                  - name: deny-bob
                    effect: deny
                    conditions: {users: [bob]}
                  - name: allow-all
                    effect: allow
                """);
        Decision bob = p.evaluate(request("prod", "bob", FRIDAY_NOON_UTC));
        assertThat(bob.effect()).isEqualTo(Effect.DENY);
        assertThat(bob.ruleName()).isEqualTo("deny-bob");
        assertThat(bob.ruleIndex()).isZero();
        Decision alice = p.evaluate(request("prod", "alice", FRIDAY_NOON_UTC));
        assertThat(alice.effect()).isEqualTo(Effect.ALLOW);
        assertThat(alice.ruleIndex()).isEqualTo(1);
    }

    @Test
    void noMatchDeniesByDefault() {
        Decision d = policy("  - name: only-prod\n    effect: allow\n    conditions: {profiles: [prod]}\n")
                .evaluate(request("dev", "alice", FRIDAY_NOON_UTC));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.matched()).isFalse();
        assertThat(d.ruleIndex()).isEqualTo(-1);
        assertThat(d.reason()).isEqualTo(Decision.NO_MATCH_REASON);
    }

    @Test
    void globsMatchProfilesAndUsers() {
        Policy p = policy(
                "  - name: g\n    effect: allow\n    conditions: {profiles: [\"prod-*\"], users: [\"*@example.com\"]}\n");
        assertThat(p.evaluate(request("prod-eu", "ann@example.com", FRIDAY_NOON_UTC))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("prod", "ann@example.com", FRIDAY_NOON_UTC))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request("prod-eu", "ann@example.org", FRIDAY_NOON_UTC))
                        .matched())
                .isFalse();
    }

    @Test
    void modeConditionsRestrictHowCredentialsAreAsked() {
        Policy p = policy("  - name: server-only\n    effect: allow\n    conditions: {mode: [server]}\n");
        assertThat(p.evaluate(request("p", "u", Mode.SERVER, FRIDAY_NOON_UTC, null))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Mode.CLI, FRIDAY_NOON_UTC, null))
                        .matched())
                .isFalse();
    }

    @Test
    void hourWindowsAreEndExclusiveInTheirZone() {
        Policy p = policy(
                "  - name: office\n    effect: allow\n    conditions:\n      time: {hours: {start: \"09:00\", end: \"17:00\"}, timezone: Europe/Berlin}\n");
        // Berlin is UTC+1 in November.
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T08:00:00Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T07:59:59Z")))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T15:59:59Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T16:00:00Z")))
                        .matched())
                .isFalse();
    }

    @Test
    void anOvernightWindowBelongsToTheDayItStarted() {
        Policy p = policy(
                "  - name: friday-night\n    effect: allow\n    conditions:\n      time: {days: [friday], hours: {start: \"22:00\", end: \"02:00\"}}\n");
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T23:00:00Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-21T01:00:00Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-21T02:00:00Z")))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T01:00:00Z")))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-11-20T21:59:00Z")))
                        .matched())
                .isFalse();
    }

    @Test
    void followsDaylightSavingTime() {
        Policy p = policy(
                "  - name: ny-morning\n    effect: allow\n    conditions:\n      time: {hours: {start: \"09:00\", end: \"10:00\"}, timezone: America/New_York}\n");
        // 2026-03-08 is the US spring-forward day: 09:30 local is 13:30Z after it, 14:30Z the day before.
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-03-07T14:30:00Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-03-08T13:30:00Z")))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request("p", "u", Instant.parse("2026-03-08T14:30:00Z")))
                        .matched())
                .isFalse();
    }

    @Test
    void deviceConditionsNeedAPostureThatMeetsThem() {
        Policy p = policy(
                "  - name: managed\n    effect: allow\n    conditions:\n      device: {require_mdm: true, min_os_version: \"14.2\", allowed_os_types: [darwin]}\n");
        assertThat(p.evaluate(request("p", "u", Mode.CLI, FRIDAY_NOON_UTC, null))
                        .matched())
                .isFalse();
        DevicePosture good = new DevicePosture(true, true, true, true, "Darwin", "14.10.1");
        assertThat(p.evaluate(request("p", "u", Mode.CLI, FRIDAY_NOON_UTC, good))
                        .matched())
                .isTrue();
        assertThat(p.evaluate(request(
                                "p",
                                "u",
                                Mode.CLI,
                                FRIDAY_NOON_UTC,
                                new DevicePosture(true, null, true, true, "darwin", "15")))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request(
                                "p",
                                "u",
                                Mode.CLI,
                                FRIDAY_NOON_UTC,
                                new DevicePosture(true, true, true, true, "darwin", "14.1")))
                        .matched())
                .isFalse();
        assertThat(p.evaluate(request(
                                "p",
                                "u",
                                Mode.CLI,
                                FRIDAY_NOON_UTC,
                                new DevicePosture(true, true, true, true, "linux", "20")))
                        .matched())
                .isFalse();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(DeviceCondition.compareVersions("10.0", "9.9")).isPositive();
        assertThat(DeviceCondition.compareVersions("14.2", "14.2.0")).isZero();
        assertThat(DeviceCondition.compareVersions("14.2-beta", "14.3")).isNegative();
    }

    @Test
    void theTraceExplainsEveryRule() {
        Policy p = policy(
                """
                  - name: prod-only
                    effect: allow
                    conditions: {profiles: [prod]}
                  - name: bob-only
                    effect: allow
                    conditions: {users: [bob]}
                  - name: everyone
                    effect: deny
                  - name: never-reached
                    effect: allow
                """);
        List<RuleTrace> trace =
                p.evaluate(request("dev", "carol", FRIDAY_NOON_UTC)).trace();
        assertThat(trace)
                .extracting(RuleTrace::status)
                .containsExactly(
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.MATCHED,
                        RuleTrace.Status.NOT_CONSIDERED);
        assertThat(trace.get(0).failed()).isEqualTo(Conditions.Part.PROFILES);
        assertThat(trace.get(0).detail()).isEqualTo("profile 'dev' is not in [prod]");
        assertThat(trace.get(1).detail()).isEqualTo("user 'carol' is not in [bob]");
        assertThat(trace.get(2).line()).isEqualTo(9);
    }

    @Test
    void theTraceNamesTheLocalTimeThatFailed() {
        Policy p = policy(
                "  - name: office\n    effect: allow\n    conditions:\n      time: {days: [monday], timezone: Europe/Berlin}\n");
        RuleTrace t = p.evaluate(request("p", "u", FRIDAY_NOON_UTC)).trace().get(0);
        assertThat(t.failed()).isEqualTo(Conditions.Part.TIME);
        assertThat(t.detail()).contains("2026-11-20T13:00", "Europe/Berlin", "friday", "[monday]");
    }
}
