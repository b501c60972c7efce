package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeviceConditionTest {
    private static final DevicePosture HEALTHY = new DevicePosture(true, true, true, true, "darwin", "14.2.1");

    @Test
    void neverMatchesWithoutPosture() {
        Policy policy = devicePolicy("require_encryption: false");

        assertThat(matches(policy, null)).isFalse();
        assertThat(matches(policy, HEALTHY)).isTrue();
    }

    @Test
    void requiresDiskEncryption() {
        Policy policy = devicePolicy("require_encryption: true");

        assertThat(matches(policy, HEALTHY)).isTrue();
        assertThat(matches(policy, new DevicePosture(false, true, true, true, "darwin", "14.2")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(null, true, true, true, "darwin", "14.2")))
                .isFalse();
    }

    @Test
    void requiresMdmEnrollment() {
        Policy policy = devicePolicy("require_mdm: true");

        assertThat(matches(policy, HEALTHY)).isTrue();
        assertThat(matches(policy, new DevicePosture(true, false, true, true, "darwin", "14.2")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(true, null, true, true, "darwin", "14.2")))
                .isFalse();
    }

    @Test
    void requiresMdmCompliance() {
        Policy policy = devicePolicy("require_mdm_compliant: true");

        assertThat(matches(policy, HEALTHY)).isTrue();
        assertThat(matches(policy, new DevicePosture(true, true, false, true, "darwin", "14.2")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(true, true, null, true, "darwin", "14.2")))
                .isFalse();
    }

    @Test
    void requiresFirewall() {
        Policy policy = devicePolicy("require_firewall: true");

        assertThat(matches(policy, HEALTHY)).isTrue();
        assertThat(matches(policy, new DevicePosture(true, true, true, false, "darwin", "14.2")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(true, true, true, null, "darwin", "14.2")))
                .isFalse();
    }

    @Test
    void requiresAllowedOsTypeIgnoringCase() {
        Policy policy = devicePolicy("allowed_os_types: [Darwin, linux]");

        assertThat(matches(policy, posture("darwin", "1"))).isTrue();
        assertThat(matches(policy, posture("Linux", "1"))).isTrue();
        assertThat(matches(policy, posture("windows", "1"))).isFalse();
        assertThat(matches(policy, posture(null, "1"))).isFalse();
    }

    @Test
    void requiresMinimumOsVersion() {
        Policy policy = devicePolicy("min_os_version: \"14.2\"");

        assertThat(matches(policy, posture("darwin", "14.2"))).isTrue();
        assertThat(matches(policy, posture("darwin", "14.2.1"))).isTrue();
        assertThat(matches(policy, posture("darwin", "14.10"))).isTrue();
        assertThat(matches(policy, posture("darwin", "15"))).isTrue();
        assertThat(matches(policy, posture("darwin", "14.1.9"))).isFalse();
        assertThat(matches(policy, posture("darwin", "14"))).isFalse();
        assertThat(matches(policy, posture("darwin", "9.9"))).isFalse();
        assertThat(matches(policy, posture("darwin", null))).isFalse();
    }

    @Test
    void lacksOnlyOneRequirementToFail() {
        Policy policy = devicePolicy(
                """
                require_encryption: true
                        require_firewall: true
                        min_os_version: "10"
                        allowed_os_types: [windows]""");

        assertThat(matches(policy, new DevicePosture(true, null, null, true, "windows", "10.0.22631")))
                .isTrue();
        assertThat(matches(policy, new DevicePosture(true, null, null, false, "windows", "10.0.22631")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(true, null, null, true, "windows", "9")))
                .isFalse();
        assertThat(matches(policy, new DevicePosture(true, null, null, true, "linux", "10")))
                .isFalse();
    }

    @Test
    void comparesVersionsNumericallyPartByPart() {
        assertThat(DeviceCondition.compareVersions("14.2.1", "14.2")).isPositive();
        assertThat(DeviceCondition.compareVersions("10", "9")).isPositive();
        assertThat(DeviceCondition.compareVersions("14.10", "14.9")).isPositive();
        assertThat(DeviceCondition.compareVersions("14", "14.0.0")).isZero();
        assertThat(DeviceCondition.compareVersions("14.2", "14.2")).isZero();
        assertThat(DeviceCondition.compareVersions("13.99", "14")).isNegative();
        assertThat(DeviceCondition.compareVersions("10.0-beta", "10.0")).isZero();
        assertThat(DeviceCondition.compareVersions("6.5.0-35-generic", "6.5")).isPositive();
        assertThat(DeviceCondition.compareVersions("11.0", "11.0.1")).isNegative();
    }

    private static Policy devicePolicy(String deviceLines) {
        return PolicyMatchingTest.policy(
                """
                  - name: managed
                    effect: allow
                    conditions:
                      device:
                        %s
                """
                        .formatted(deviceLines));
    }

    private static DevicePosture posture(String osType, String osVersion) {
        return new DevicePosture(true, true, true, true, osType, osVersion);
    }

    private static boolean matches(Policy policy, DevicePosture posture) {
        return policy.evaluate(new EvaluationRequest(new ProfileName("dev"), "alice", Mode.CLI, Instant.EPOCH, posture))
                .matched();
    }
}
