package dev.sentinel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallerIdentityTest {
    @Test
    void derivesUserNameFromIamUser() {
        CallerIdentity identity = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice");

        assertThat(identity.type()).isEqualTo(PrincipalType.IAM_USER);
        assertThat(identity.user()).isEqualTo("alice");
        assertThat(identity.accountId()).isEqualTo("123456789012");
        assertThat(identity.arn()).isEqualTo("arn:aws:iam::123456789012:user/alice");
    }

    @Test
    void dropsPathOfIamUser() {
        CallerIdentity identity =
                CallerIdentity.fromArn("arn:aws:iam::123456789012:user/engineering/platform/alice.smith@example.com");

        assertThat(identity.type()).isEqualTo(PrincipalType.IAM_USER);
        assertThat(identity.user()).isEqualTo("alice.smith@example.com");
    }

    @Test
    void derivesSessionNameFromAssumedRole() {
        CallerIdentity identity = CallerIdentity.fromArn(
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/bob@example.com");

        assertThat(identity.type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(identity.user()).isEqualTo("bob@example.com");
        assertThat(identity.accountId()).isEqualTo("123456789012");
    }

    @Test
    void derivesNameFromFederatedUser() {
        CallerIdentity identity = CallerIdentity.fromArn("arn:aws:sts::123456789012:federated-user/carol");

        assertThat(identity.type()).isEqualTo(PrincipalType.FEDERATED_USER);
        assertThat(identity.user()).isEqualTo("carol");
    }

    @Test
    void callsRootRoot() {
        CallerIdentity identity = CallerIdentity.fromArn("arn:aws:iam::123456789012:root");

        assertThat(identity.type()).isEqualTo(PrincipalType.ROOT);
        assertThat(identity.user()).isEqualTo("root");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws-cn", "aws-us-gov", "aws-iso-b", "aws-iso"})
    void acceptsOtherPartitions(String partition) {
        assertThat(CallerIdentity.fromArn("arn:" + partition + ":iam::123456789012:user/dave")
                        .user())
                .isEqualTo("dave");
        assertThat(CallerIdentity.fromArn("arn:" + partition + ":sts::123456789012:assumed-role/Ops/erin")
                        .user())
                .isEqualTo("erin");
        assertThat(CallerIdentity.fromArn("arn:" + partition + ":iam::123456789012:root")
                        .type())
                .isEqualTo(PrincipalType.ROOT);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:iam::123456789012:role/Admin",
                "arn:aws:iam::123456789012:role/path/Admin",
                "arn:aws:iam::12345678901:user/alice",
                "arn:aws:iam::1234567890123:user/alice",
                "arn:aws:iam::12345678901a:user/alice",
                "arn:aws:sts::123456789012:assumed-role/Admin",
                "arn:aws:sts::123456789012:assumed-role/Admin/",
                "arn:aws:sts::123456789012:assumed-role//session",
                "arn:aws:iam::123456789012:user/",
                "arn:aws:iam::123456789012:user",
                "arn:aws:iam::123456789012:root/extra",
                "arn:aws:sts::123456789012:user/alice",
                "arn:aws:iam::123456789012:assumed-role/Admin/session",
                "arn:aws:iam::123456789012:federated-user/carol",
                "arn:aws:sts::123456789012:root",
                "arn:aws:iam::123456789012:user/has space",
                "arn:aws:iam::123456789012:user/colon:name",
                "arn:azure:iam::123456789012:user/alice",
                "arn:aws:s3:::bucket",
                "alice",
                "",
                "garbage arn:aws:iam::123456789012:user/alice"
            })
    void refusesArnsThatNameNoUsableCaller(String arn) {
        assertThatThrownBy(() -> CallerIdentity.fromArn(arn)).isInstanceOfSatisfying(SentinelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.IDENTITY_INVALID);
            assertThat(e.getMessage()).contains("'" + arn + "'");
            assertThat(e.hint()).contains("aws sts get-caller-identity");
        });
    }

    @Test
    void refusesUserNamesLongerThanIamAllows() {
        assertThat(CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + "a".repeat(64))
                        .user())
                .hasSize(64);
        assertThatThrownBy(() -> CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + "a".repeat(65)))
                .isInstanceOfSatisfying(
                        SentinelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IDENTITY_INVALID));
    }
}
