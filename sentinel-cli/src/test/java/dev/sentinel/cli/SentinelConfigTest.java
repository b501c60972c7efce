package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.yaml.InvalidDocumentException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SentinelConfigTest {
    private static final SentinelHome HOME = new SentinelHome(Path.of("/home/u/.sentinel"));
    private static final Path USER_HOME = Path.of("/home/u");

    private static SentinelConfig parse(String yaml) {
        return SentinelConfig.parse(HOME, USER_HOME, "config.yaml", yaml);
    }

    private static InvalidDocumentException invalid(String yaml) {
        try {
            parse(yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            return e;
        }
        throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
    }

    @Test
    void anEmptyFileMeansTheEmbeddedDefaults() {
        SentinelConfig config = parse("");
        assertThat(config).isEqualTo(SentinelConfig.defaults(HOME));
        assertThat(config.policyPath()).isEqualTo(Path.of("/home/u/.sentinel/policies"));
        assertThat(config.credentialCache()).isTrue();
        assertThat(config.signatureRequired()).isFalse();
    }

    @Test
    void readsEverySetting() {
        SentinelConfig config = parse(
                """
                policy:
                  source: ssm
                  path: ~/team-policies
                  ssm_prefix: /acme/policies
                  ssm_region: eu-west-1
                  cache_ttl: 90s
                  signature: {required: true, key: "kms:alias/policy", aws_profile: admin}
                log:
                  path: audit/decisions.jsonl
                credentials:
                  cache: false
                  refresh_margin: 5m
                """);
        assertThat(config.policySource()).isEqualTo(SentinelConfig.PolicySourceKind.SSM);
        assertThat(config.policyPath()).isEqualTo(Path.of("/home/u/team-policies"));
        assertThat(config.ssmPrefix()).isEqualTo("/acme/policies");
        assertThat(config.ssmRegion()).isEqualTo("eu-west-1");
        assertThat(config.policyCacheTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.signatureRequired()).isTrue();
        assertThat(config.signingKey()).isEqualTo("kms:alias/policy");
        assertThat(config.signingAwsProfile()).isEqualTo("admin");
        assertThat(config.logFile()).isEqualTo(Path.of("/home/u/.sentinel/audit/decisions.jsonl"));
        assertThat(config.credentialCache()).isFalse();
        assertThat(config.refreshMargin()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void rejectsUnknownKeysWithASuggestion() {
        assertThat(invalid("polcy:\n  source: ssm\n").getMessage())
                .contains("config.yaml:1:1", "did you mean 'policy'");
        assertThat(invalid("policy:\n  sorce: ssm\n").getMessage()).contains("did you mean 'source'");
    }

    @Test
    void rejectsBadValuesAndNamesTheLine() {
        assertThat(invalid("policy:\n  source: s3\n").getMessage())
                .contains("config.yaml:2:", "unknown policy source 's3'");
        assertThat(invalid("policy:\n  ssm_prefix: sentinel/policies\n").getMessage())
                .contains("must start with '/'");
        assertThat(invalid("policy:\n  cache_ttl: soon\n").getMessage()).contains("is not a duration");
        assertThat(invalid("credentials:\n  cache: sometimes\n").getMessage()).contains("true or false");
        assertThat(invalid("policy:\n  signature: {key: vault}\n").getMessage()).contains("'local' or 'kms:");
    }

    @Test
    void aKmsKeyNeedsAProfileToCallKmsWith() {
        assertThat(invalid("policy:\n  signature: {required: true, key: \"kms:abc\"}\n")
                        .getMessage())
                .contains("aws_profile");
    }

    @Test
    void aYamlSyntaxErrorIsAConfigurationError() {
        assertThatThrownBy(() -> parse("policy: [unclosed\n"))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("YAML syntax error");
    }

    @Test
    void sessionsCanLiveInDynamoDb() {
        SentinelConfig config = parse(
                "sessions:\n  store: dynamodb\n  table: team-sessions\n  aws_profile: ops\n  region: eu-west-1\n");
        assertThat(config.sessionTable()).isEqualTo("team-sessions");
        assertThat(config.sessionAwsProfile()).isEqualTo("ops");
        assertThat(config.sessionRegion()).isEqualTo("eu-west-1");
        assertThat(parse("sessions:\n  store: sqlite\n").sessionTable()).isNull();
        assertThat(invalid("sessions:\n  store: dynamodb\n").getMessage()).contains("needs sessions.aws_profile");
        assertThat(invalid("sessions:\n  store: redis\n").getMessage()).contains("unknown session store 'redis'");
    }

    @Test
    void theProfileThatWritesIamDeniesIsASessionsSetting() {
        assertThat(parse("sessions:\n  revoke_aws_profile: iam-admin\n").revokeAwsProfile())
                .isEqualTo("iam-admin");
        assertThat(parse("sessions:\n  store: dynamodb\n  aws_profile: ops\n  revoke_aws_profile: iam-admin\n")
                        .revokeAwsProfile())
                .isEqualTo("iam-admin");
        assertThat(parse("").revokeAwsProfile()).isNull();
        assertThat(invalid("sessions:\n  revoke_profile: iam-admin\n").getMessage())
                .contains("revoke_profile");
    }

    @Test
    void workflowsDefaultToFilesInTheHomeAndTheEmbeddedStore() {
        WorkflowConfig workflows = parse("").workflows();
        assertThat(workflows.approvalPolicy()).isEqualTo(Path.of("/home/u/.sentinel/approvals.yaml"));
        assertThat(workflows.breakGlassPolicy()).isEqualTo(Path.of("/home/u/.sentinel/breakglass.yaml"));
        assertThat(workflows.mfaUsers()).isEqualTo(Path.of("/home/u/.sentinel/mfa-users.yaml"));
        assertThat(workflows.approvalTable()).isNull();
        assertThat(workflows.breakGlassTable()).isNull();
        assertThat(workflows.webhookUrl()).isNull();
        assertThat(workflows.snsTopicArn()).isNull();
    }

    @Test
    void readsEveryWorkflowSetting() {
        WorkflowConfig workflows = parse(
                        """
                        approvals: {policy: ~/team/approvals.yaml, store: dynamodb, aws_profile: ops, region: eu-west-1}
                        breakglass: {store: dynamodb, table: bg, aws_profile: ops}
                        mfa: {users: keys/mfa.yaml, sms: {aws_profile: ops, region: us-east-1}}
                        notifications:
                          webhook: {url: "https://hooks.example.com/s", secret_file: keys/webhook.secret}
                          sns: {topic_arn: "arn:aws:sns:eu-west-1:111122223333:events", aws_profile: ops}
                        """)
                .workflows();
        assertThat(workflows.approvalPolicy()).isEqualTo(Path.of("/home/u/team/approvals.yaml"));
        assertThat(workflows.approvalTable().table()).isEqualTo("sentinel-requests");
        assertThat(workflows.approvalTable().target()).isEqualTo(new WorkflowConfig.AwsTarget("ops", "eu-west-1"));
        assertThat(workflows.breakGlassTable().table()).isEqualTo("bg");
        assertThat(workflows.mfaUsers()).isEqualTo(Path.of("/home/u/.sentinel/keys/mfa.yaml"));
        assertThat(workflows.smsSender()).isEqualTo(new WorkflowConfig.AwsTarget("ops", "us-east-1"));
        assertThat(workflows.webhookUrl()).hasToString("https://hooks.example.com/s");
        assertThat(workflows.webhookSecret()).isEqualTo(Path.of("/home/u/.sentinel/keys/webhook.secret"));
        assertThat(workflows.snsTopicArn()).isEqualTo("arn:aws:sns:eu-west-1:111122223333:events");
    }

    @Test
    void refusesIncompleteOrWrongWorkflowSettingsNamingEveryProblem() {
        InvalidDocumentException e = invalid(
                """
                approvals: {store: dynamodb}
                breakglass: {store: postgres}
                notifications:
                  webhook: {url: "ftp://hooks.example.com"}
                  sns: {aws_profile: ops}
                """);
        assertThat(e.problems())
                .extracting(p -> p.message())
                .anySatisfy(m -> assertThat(m).contains("approvals needs aws_profile"))
                .anySatisfy(m -> assertThat(m).contains("unknown breakglass store 'postgres'"))
                .anySatisfy(m -> assertThat(m).contains("must be an http(s) address"))
                .anySatisfy(m -> assertThat(m).contains("notifications.sns needs topic_arn"));
    }

    @Test
    void aWebhookNeedsTheSecretThatSignsItsDeliveries() {
        InvalidDocumentException e = invalid("notifications:\n  webhook: {url: \"https://hooks.example.com\"}\n");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("secret_file");
            assertThat(p.hint()).contains("openssl rand");
        });
    }
}
