package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTraceTest {
    private static final Policy POLICY = PolicyMatchingTest.policy(
            """
              - name: prod-only
                effect: deny
                conditions:
                  profiles: [prod, "prod-*"]
              - name: admins
                effect: allow
                conditions:
                  users: [root]
              - name: servers
                effect: allow
                conditions:
                  mode: server
              - name: office-hours
                effect: allow
                conditions:
                  time:
                    days: [monday]
                    hours: {start: "09:00", end: "17:00"}
                    timezone: Europe/Berlin
              - name: managed-devices
                effect: allow
                conditions:
                  device:
                    require_encryption: true
              - name: fallback
                effect: require_approval
              - name: unreachable
                effect: allow
            """);

    /** Wednesday 2024-01-03 13:00 in Berlin. */
    private static final Instant WEDNESDAY = Instant.parse("2024-01-03T12:00:00Z");

    @Test
    void tracesEveryRuleWithWhyItDidNotMatch() {
        EvaluationRequest request = new EvaluationRequest(
                new ProfileName("dev"),
                "alice",
                Mode.CLI,
                WEDNESDAY,
                new DevicePosture(false, null, null, null, "linux", "6.1"));

        Decision decision = POLICY.evaluate(request);
        List<RuleTrace> trace = decision.trace();

        assertThat(decision.ruleName()).isEqualTo("fallback");
        assertThat(trace).extracting(RuleTrace::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(trace)
                .extracting(RuleTrace::name)
                .containsExactly(
                        "prod-only", "admins", "servers", "office-hours", "managed-devices", "fallback", "unreachable");
        assertThat(trace)
                .extracting(RuleTrace::status)
                .containsExactly(
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.NOT_MATCHED,
                        RuleTrace.Status.MATCHED,
                        RuleTrace.Status.NOT_CONSIDERED);
        assertThat(trace)
                .extracting(RuleTrace::failed)
                .containsExactly(
                        Conditions.Part.PROFILES,
                        Conditions.Part.USERS,
                        Conditions.Part.MODE,
                        Conditions.Part.TIME,
                        Conditions.Part.DEVICE,
                        null,
                        null);
        assertThat(trace)
                .extracting(RuleTrace::effect)
                .containsExactly(
                        Effect.DENY,
                        Effect.ALLOW,
                        Effect.ALLOW,
                        Effect.ALLOW,
                        Effect.ALLOW,
                        Effect.REQUIRE_APPROVAL,
                        Effect.ALLOW);
        assertThat(trace).extracting(RuleTrace::line).containsExactly(3, 7, 11, 15, 22, 27, 29);

        assertThat(trace.get(0).detail()).isEqualTo("profile 'dev' is not in [prod, prod-*]");
        assertThat(trace.get(1).detail()).isEqualTo("user 'alice' is not in [root]");
        assertThat(trace.get(2).detail()).isEqualTo("mode 'cli' is not in [server]");
        assertThat(trace.get(3).detail())
                .isEqualTo("2024-01-03T13:00 Europe/Berlin (wednesday) is outside [monday] 09:00-17:00 Europe/Berlin");
        assertThat(trace.get(4).detail()).isEqualTo("disk encryption is required");
        assertThat(trace.get(5).detail()).isEqualTo("all conditions matched");
        assertThat(trace.get(6).detail()).contains("not considered");
    }

    @Test
    void reportsTheFirstFailedConditionOfARule() {
        Policy policy = PolicyMatchingTest.policy(
                """
                  - name: strict
                    effect: allow
                    conditions:
                      users: [bob]
                      mode: server
                      device:
                        require_firewall: true
                """);

        RuleTrace usersFirst = policy.evaluate(PolicyMatchingTest.request("dev", "alice", Mode.CLI))
                .trace()
                .get(0);
        RuleTrace modeNext = policy.evaluate(PolicyMatchingTest.request("dev", "bob", Mode.CLI))
                .trace()
                .get(0);
        RuleTrace deviceLast = policy.evaluate(PolicyMatchingTest.request("dev", "bob", Mode.SERVER))
                .trace()
                .get(0);

        assertThat(usersFirst.failed()).isEqualTo(Conditions.Part.USERS);
        assertThat(modeNext.failed()).isEqualTo(Conditions.Part.MODE);
        assertThat(deviceLast.failed()).isEqualTo(Conditions.Part.DEVICE);
        assertThat(deviceLast.detail()).isEqualTo("no device posture is available for this request");
    }

    @Test
    void noMatchTracesEveryRuleAsNotMatched() {
        EvaluationRequest request = new EvaluationRequest(new ProfileName("prod"), "alice", Mode.CLI, WEDNESDAY, null);
        Policy policy = PolicyMatchingTest.policy(
                """
                  - name: dev-only
                    effect: allow
                    conditions:
                      profiles: dev
                  - name: bob-only
                    effect: allow
                    conditions:
                      users: bob
                """);

        Decision decision = policy.evaluate(request);

        assertThat(decision.matched()).isFalse();
        assertThat(decision.trace())
                .extracting(RuleTrace::status)
                .containsExactly(RuleTrace.Status.NOT_MATCHED, RuleTrace.Status.NOT_MATCHED);
    }

    @Test
    void describesDeviceRequirementsInWords() {
        EvaluationRequest request = new EvaluationRequest(
                new ProfileName("dev"),
                "alice",
                Mode.CLI,
                WEDNESDAY,
                new DevicePosture(true, true, true, true, "windows", "10"));
        Policy policy = PolicyMatchingTest.policy(
                """
                  - name: mac-only
                    effect: allow
                    conditions:
                      device:
                        allowed_os_types: darwin
                  - name: new-os
                    effect: allow
                    conditions:
                      device:
                        min_os_version: "11"
                """);

        List<RuleTrace> trace = policy.evaluate(request).trace();

        assertThat(trace.get(0).detail()).isEqualTo("OS type must be one of [darwin]");
        assertThat(trace.get(1).detail()).isEqualTo("OS version 11 or later is required");
    }

    @Test
    void describesModeSetsSortedAndOvernightWindows() {
        Policy policy = PolicyMatchingTest.policy(
                """
                  - name: night
                    effect: allow
                    conditions:
                      mode: [server, credential_process]
                  - name: late
                    effect: allow
                    conditions:
                      time:
                        hours: {start: "22:00", end: "02:00"}
                """);

        List<RuleTrace> trace = policy.evaluate(PolicyMatchingTest.request("dev", "alice", Mode.CLI))
                .trace();

        assertThat(trace.get(0).detail()).isEqualTo("mode 'cli' is not in [credential_process, server]");
        assertThat(trace.get(1).detail()).isEqualTo("2024-01-03T12:00 Z (wednesday) is outside any day 22:00-02:00 Z");
    }
}
