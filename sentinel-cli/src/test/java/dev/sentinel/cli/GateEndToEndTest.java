package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.identity.SourceIdentity;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The gate through the real command line, against a real AWS emulator (moto's server mode). */
class GateEndToEndTest {
    private static final Pattern STS_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern JSON_STRING = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"");
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void seed() {
        String suffix = Long.toString(System.nanoTime(), 36);
        world = new CliWorld(dir, moto.endpoint())
                .user("alice-" + suffix)
                .roleProfile("dev-role", "app-dev-" + suffix, "alice-" + suffix)
                .roleProfile("prod-role", "app-prod-" + suffix, "alice-" + suffix);
        world.policy(
                "default",
                """
                version: "1"
                rules:
                  - name: alice-on-dev
                    effect: allow
                    conditions:
                      profiles: [dev-role]
                      users: [alice-%s]
                  - name: prod-closed
                    effect: deny
                    conditions:
                      profiles: [prod-role]
                    reason: production is closed today
                """
                        .formatted(suffix));
        user = "alice-" + suffix;
        devRole = "app-dev-" + suffix;
    }

    private String user;
    private String devRole;

    private static Map<String, String> json(String text) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        Matcher m = JSON_STRING.matcher(text);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    @Test
    void allowsAndIssuesStampedCredentialsForTheAssumedRole() {
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("{\"Version\":1,\"AccessKeyId\":\"").endsWith("}\n");
        assertThat(result.out().lines()).hasSize(1);
        Map<String, String> credentials = json(result.out());
        assertThat(credentials).containsKeys("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");

        String arn = callerArn(credentials);
        assertThat(arn).startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel." + user + ".d.");
        String sessionName = arn.substring(arn.lastIndexOf('/') + 1);
        assertThat(sessionName).matches(STS_PATTERN).doesNotContain(":");
        SourceIdentity stamp = SourceIdentity.parse(sessionName).orElseThrow();
        assertThat(stamp.user()).isEqualTo(user);

        String line = world.logLines().get(0);
        assertThat(line)
                .contains(
                        "\"outcome\":\"issued\"",
                        "\"rule\":\"alice-on-dev\"",
                        "\"user\":\"" + user + "\"",
                        "\"source_identity\":\"" + sessionName + "\"",
                        "\"decision_id\":\"" + stamp.requestId().value() + "\"",
                        "\"cached\":false",
                        "\"mode\":\"credential_process\"",
                        "\"policy_sha256\":\"");
        assertThat(line)
                .doesNotContain(credentials.get("SecretAccessKey"))
                .doesNotContain(credentials.get("SessionToken"));
    }

    @Test
    void deniesWithTheRuleReasonAndPrintsNothingOnStdout() {
        CliWorld.Result result = world.sentinel("credentials", "--profile", "prod-role");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains("POLICY_DENIED", "prod-closed", "production is closed today", "decision id: ");
        assertThat(world.logLines())
                .singleElement()
                .asString()
                .contains("\"outcome\":\"refused\"", "\"code\":\"POLICY_DENIED\"", "\"effect\":\"deny\"")
                .doesNotContain("source_identity");
    }

    @Test
    void deniesWhenNoRuleMatches() {
        world.config("[profile other-role]\nrole_arn = " + CliWorld.roleArn(devRole) + "\nsource_profile = " + user
                + "\n\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "other-role");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("POLICY_NO_MATCH", "sentinel policy explain");
        assertThat(world.logLines())
                .singleElement()
                .asString()
                .contains("\"rule_index\":-1", "\"code\":\"POLICY_NO_MATCH\"");
    }

    @Test
    void requireApprovalRefusesWithExitCode4() {
        world.policy(
                "dev-role", "version: \"1\"\nrules:\n  - name: dev-needs-approval\n    effect: require_approval\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(4);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("APPROVAL_REQUIRED", "dev-needs-approval");
    }

    @Test
    void requireServerRefusesOutsideServerModeAndNamesTheMode() {
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: server-only\n    effect: require_server\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.err()).contains("SERVER_MODE_REQUIRED", "sentinel exec --server");
    }

    @Test
    void refusesWhenNoPolicyExists() throws IOException {
        Files.delete(world.home.resolve("policies/default.yaml"));
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("POLICY_NOT_FOUND", "dev-role.yaml", "default.yaml");
    }

    @Test
    void anUnknownEffectIssuesNothing() {
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: typo\n    effect: Allow\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("POLICY_INVALID", "dev-role.yaml:4:", "did you mean 'allow'");
        assertThat(world.logLines()).singleElement().asString().contains("\"code\":\"POLICY_INVALID\"");
    }

    @Test
    void theOperatingSystemUserPlaysNoPart() {
        world.policy(
                "dev-role",
                "version: \"1\"\nrules:\n  - name: root-only\n    effect: allow\n    conditions:\n      users: [admin]\n");
        CliWorld.Result result = world.sentinelWith(
                Map.of("USER", "admin", "LOGNAME", "admin", "USERNAME", "admin"),
                "credentials",
                "--profile",
                "dev-role");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).isEmpty();
        assertThat(world.logLines()).singleElement().asString().contains("\"user\":\"" + user + "\"");
    }

    @Test
    void reusesCachedCredentialsButReevaluatesThePolicyEveryCall() {
        CliWorld.Result first = world.sentinel("credentials", "--profile", "dev-role");
        CliWorld.Result second = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(second.exit()).isZero();
        assertThat(json(second.out()).get("AccessKeyId"))
                .isEqualTo(json(first.out()).get("AccessKeyId"));
        assertThat(world.logLines().get(1)).contains("\"cached\":true");

        world.policy(
                "dev-role",
                "version: \"1\"\nrules:\n  - name: revoked\n    effect: deny\n    reason: access revoked\n");
        CliWorld.Result revoked = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(revoked.exit()).isEqualTo(3);
        assertThat(revoked.out()).isEmpty();
        assertThat(revoked.err()).contains("access revoked");

        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: back\n    effect: allow\n");
        CliWorld.Result again = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(again.exit()).isZero();
        assertThat(json(again.out()).get("AccessKeyId"))
                .isNotEqualTo(json(first.out()).get("AccessKeyId"));
        assertThat(world.logLines().get(3)).contains("\"cached\":false");
    }

    @Test
    void theRulesMaxDurationCapsTheCredentials() {
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: short\n    effect: allow\n    max_duration: 15m\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(result.exit()).as(result.err()).isZero();
        java.time.Instant expiration =
                java.time.Instant.parse(json(result.out()).get("Expiration"));
        assertThat(expiration).isBefore(java.time.Instant.now().plusSeconds(15 * 60 + 5));
    }

    @Test
    void refusesWithAnAwsErrorWhenStsIsUnreachable() throws IOException {
        CliWorld.Result result = world.sentinelWith(
                Map.of("AWS_ENDPOINT_URL_STS", closedPort()), "credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(6);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("AWS_UNREACHABLE");
        assertThat(world.logLines()).singleElement().asString().contains("\"code\":\"AWS_UNREACHABLE\"");
    }

    @Test
    void readsThePolicyFromSsmInTeamMode() {
        world.sentinelConfig("policy:\n  source: ssm\n  cache_ttl: 0s\n");
        putParameter("/sentinel/policies/dev-role", "version: \"1\"\nrules:\n  - name: from-ssm\n    effect: allow\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(world.logLines())
                .singleElement()
                .asString()
                .contains("\"rule\":\"from-ssm\"", "\"policy_source\":\"ssm:/sentinel/policies/dev-role\"");
    }

    @Test
    void refusesWhenSsmIsUnreachable() throws IOException {
        world.sentinelConfig("policy:\n  source: ssm\n");
        CliWorld.Result result = world.sentinelWith(
                Map.of("AWS_ENDPOINT_URL_SSM", closedPort()), "credentials", "--profile", "dev-role");

        assertThat(result.exit()).isEqualTo(6);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("AWS_UNREACHABLE");
    }

    @Test
    void refusedCallsLeakNoSecrets() throws IOException {
        CliWorld.Result allowed = world.sentinel("credentials", "--profile", "dev-role");
        CliWorld.Result denied = world.sentinel("credentials", "--profile", "prod-role");
        String baseSecret = Files.readAllLines(world.awsCredentials).stream()
                .filter(l -> l.startsWith("aws_secret_access_key"))
                .map(l -> l.substring(l.indexOf('=') + 1).trim())
                .findFirst()
                .orElseThrow();
        Map<String, String> issued = json(allowed.out());
        for (String text : List.of(denied.out(), denied.err(), String.join("\n", world.logLines()))) {
            assertThat(text).doesNotContain(baseSecret, issued.get("SecretAccessKey"), issued.get("SessionToken"));
        }
    }

    @Test
    void execPassesCredentialsAndReturnsTheCommandsExitCode() {
        CliWorld.Result result = world.sentinel(
                "exec",
                "--profile",
                "dev-role",
                "--",
                "sh",
                "-c",
                "test -n \"$AWS_ACCESS_KEY_ID\" && test -n \"$AWS_SESSION_TOKEN\" && test \"$AWS_SENTINEL\" = dev-role"
                        + " && test -z \"$AWS_PROFILE\" && exit 7");

        assertThat(result.exit()).as(result.err()).isEqualTo(7);
        assertThat(world.logLines()).singleElement().asString().contains("\"mode\":\"cli\"", "\"outcome\":\"issued\"");
    }

    @Test
    void execRefusesDeniedProfilesWithoutRunningTheCommand() throws IOException {
        Path marker = dir.resolve("ran");
        CliWorld.Result result = world.sentinel("exec", "--profile", "prod-role", "--", "touch", marker.toString());
        assertThat(result.exit()).isEqualTo(3);
        assertThat(marker).doesNotExist();
    }

    @Test
    void nestedSentinelCallsAreRefused() {
        CliWorld.Result nested =
                world.sentinelWith(Map.of("AWS_SENTINEL", "dev-role"), "credentials", "--profile", "dev-role");
        assertThat(nested.exit()).isEqualTo(2);
        assertThat(nested.err()).contains("NESTED_SENTINEL");
        assertThat(nested.out()).isEmpty();
    }

    @Test
    void whoamiReportsWhatAwsSays() {
        CliWorld.Result text = world.sentinel("whoami", "--profile", "dev-role");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out())
                .contains("user:     " + user, "type:     iam_user", "arn:aws:iam::123456789012:user/" + user);

        CliWorld.Result json = world.sentinel("whoami", "--profile", "dev-role", "--json");
        assertThat(json.out())
                .startsWith("{\"schemaVersion\":1,")
                .contains("\"user\":\"" + user + "\"", "\"identity_type\":\"iam_user\"");
    }

    @Test
    void theDecisionLogVerifiesAndATamperedLogDoesNot() throws IOException {
        world.sentinel("credentials", "--profile", "dev-role");
        world.sentinel("credentials", "--profile", "prod-role");
        world.sentinel("credentials", "--profile", "dev-role");
        CliWorld.Result ok = world.sentinel("audit", "verify-logs");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK: 3 entries verified");

        Path log = world.decisionLog();
        Files.writeString(log, Files.readString(log).replaceFirst("\"outcome\":\"refused\"", "\"outcome\":\"issued\""));
        CliWorld.Result tampered = world.sentinel("audit", "verify-logs", "--json");
        assertThat(tampered.exit()).isEqualTo(5);
        assertThat(tampered.out()).contains("\"intact\":false", "\"line\":2");
    }

    @Test
    void anUnknownProfileIsAConfigurationError() {
        CliWorld.Result result = world.sentinel("credentials", "--profile", "nope");
        assertThat(result.exit()).isEqualTo(5);
        assertThat(result.err()).contains("PROFILE_NOT_FOUND", "dev-role");
    }

    @Test
    void aDryRunDecidesAndLogsButIssuesNothing() {
        CliWorld.Result allowed = world.sentinel("credentials", "--profile", "dev-role", "--dry-run");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("would issue: rule 'alice-on-dev'").doesNotContain("AccessKeyId");
        CliWorld.Result denied = world.sentinel("credentials", "--profile", "prod-role", "--dry-run");
        assertThat(denied.exit()).isEqualTo(3);
        assertThat(denied.out()).contains("would refuse (POLICY_DENIED)");
        assertThat(world.logLines()).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("\"outcome\":\"dry_run\""));
        assertThat(world.logLines().get(1)).contains("\"code\":\"POLICY_DENIED\"");
        CliWorld.Result real = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(world.logLines().get(2)).contains("\"cached\":false");
        assertThat(real.exit()).isZero();
    }

    @Test
    void requiredSignaturesGateIssuing() throws IOException {
        world.sentinelConfig("policy:\n  signature:\n    required: true\n");
        CliWorld.Result unsigned = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(unsigned.exit()).isEqualTo(5);
        assertThat(unsigned.out()).isEmpty();
        assertThat(unsigned.err()).contains("POLICY_SIGNATURE_INVALID", "has no signature");

        Path draft = dir.resolve("dev-policy.yaml");
        Files.writeString(draft, "version: \"1\"\nrules:\n  - name: signed-allow\n    effect: allow\n");
        assertThat(world.sentinel("policy", "push", "dev-role", draft.toString())
                        .exit())
                .isZero();
        CliWorld.Result signed = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(signed.exit()).as(signed.err()).isZero();

        Files.copy(world.home.resolve("policies/dev-role.yaml"), world.home.resolve("policies/prod-role.yaml"));
        Files.copy(world.home.resolve("policies/dev-role.yaml.sig"), world.home.resolve("policies/prod-role.yaml.sig"));
        CliWorld.Result copied = world.sentinel("credentials", "--profile", "prod-role");
        assertThat(copied.exit()).isEqualTo(5);
        assertThat(copied.err()).contains("made for 'dev-role', not for 'prod-role'");
        assertThat(copied.out()).isEmpty();
    }

    @Test
    void teamModeSignsWithKmsAndRefusesAPolicyChangedInSsm() throws IOException {
        String keyId;
        try (software.amazon.awssdk.services.kms.KmsClient kms = software.amazon.awssdk.services.kms.KmsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("seed", "seed")))
                .build()) {
            keyId = kms.createKey(b -> b.keyUsage("SIGN_VERIFY").keySpec("RSA_2048"))
                    .keyMetadata()
                    .keyId();
        }
        world.config("[profile " + user + "]\nregion = us-east-1\n\n");
        world.sentinelConfig("policy:\n  source: ssm\n  ssm_prefix: /team-" + user + "\n  cache_ttl: 0s\n  signature:\n"
                + "    required: true\n    key: kms:" + keyId + "\n    aws_profile: " + user + "\n");
        Path draft = dir.resolve("team.yaml");
        Files.writeString(draft, "version: \"1\"\nrules:\n  - name: team-allow\n    effect: allow\n");

        CliWorld.Result pushed = world.sentinel("policy", "push", "dev-role", draft.toString());
        assertThat(pushed.exit()).as(pushed.err()).isZero();
        assertThat(pushed.err()).contains("ssm:/team-" + user + "/dev-role", "signed by arn:aws:kms:");
        CliWorld.Result allowed = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(world.logLines().get(0)).contains("\"policy_source\":\"ssm:/team-" + user + "/dev-role\"");

        putParameter(
                "/team-" + user + "/dev-role",
                "version: \"1\"\nrules:\n  - name: team-allow\n    effect: allow\n# edited in SSM\n");
        CliWorld.Result refused = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(refused.exit()).isEqualTo(5);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("POLICY_SIGNATURE_INVALID", "bytes changed");

        CliWorld.Result pulled = world.sentinel("policy", "pull", "dev-role");
        assertThat(pulled.out()).contains("# edited in SSM");
    }

    @Test
    void serverSessionsCanLiveInDynamoDb() {
        String table = "sessions-" + user;
        try (software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo =
                software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                        .endpointOverride(moto.endpoint())
                        .region(Region.US_EAST_1)
                        .httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("seed", "seed")))
                        .build()) {
            dynamo.createTable(b -> b.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                            .attributeName("id")
                            .attributeType("S")
                            .build())
                    .keySchema(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                            .attributeName("id")
                            .keyType("HASH")
                            .build()));
        }
        world.config("[profile " + user + "]\nregion = us-east-1\n\n");
        world.sentinelConfig("sessions:\n  store: dynamodb\n  table: " + table + "\n  aws_profile: " + user + "\n");
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: tracked\n    effect: require_server_session\n");

        CliWorld.Result run = world.sentinel("exec", "--server", "--profile", "dev-role", "--", "sh", "-c", "exit 0");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("server session ");
        CliWorld.Result listed = world.sentinel("server-sessions", "--json");
        assertThat(listed.out())
                .contains("\"profile\":\"dev-role\"", "\"user\":\"" + user + "\"", "\"status\":\"expired\"");
        assertThat(world.home.resolve("state/sentinel.db")).doesNotExist();
    }

    @Test
    void credentialsWithoutTheCacheDoNotOpenTheSessionStore() {
        world.sentinelConfig("credentials:\n  cache: false\n");
        CliWorld.Result result = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(world.home.resolve("state/sentinel.db")).doesNotExist();
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(world.sentinel("credentials").exit()).isEqualTo(2);
        assertThat(world.sentinel("no-such-command").exit()).isEqualTo(2);
    }

    private String callerArn(Map<String, String> credentials) {
        try (StsClient sts = StsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        credentials.get("AccessKeyId"),
                        credentials.get("SecretAccessKey"),
                        credentials.get("SessionToken"))))
                .build()) {
            return sts.getCallerIdentity().arn();
        }
    }

    private void putParameter(String name, String value) {
        try (software.amazon.awssdk.services.ssm.SsmClient ssm = software.amazon.awssdk.services.ssm.SsmClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("seed", "seed")))
                .build()) {
            ssm.putParameter(b -> b.name(name).value(value).type("String").overwrite(true));
        }
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
