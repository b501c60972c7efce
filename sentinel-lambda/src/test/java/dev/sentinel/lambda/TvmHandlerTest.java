package dev.sentinel.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.sentinel.approval.ApprovalPolicyParser;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalService;
import dev.sentinel.audit.ChainVerifier;
import dev.sentinel.audit.LogChain;
import dev.sentinel.aws.DynamoDbApprovalStore;
import dev.sentinel.aws.DynamoDbBreakGlassStore;
import dev.sentinel.aws.DynamoDbSessionStore;
import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassPolicyParser;
import dev.sentinel.breakglass.BreakGlassService;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonReader;
import dev.sentinel.mfa.MfaDirectory;
import dev.sentinel.mfa.SecondFactor;
import dev.sentinel.notify.Notifier;
import dev.sentinel.notify.WorkflowEvents;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.RecordingAuditSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The Lambda function as deployed: its real composition (SSM registry and policy, DynamoDB sessions and
 * rate limits, STS AssumeRole with the function's own credentials) against the AWS emulator, invoked with
 * API Gateway HTTP API v2 events recorded under {@code src/test/resources/events} and read by the Lambda
 * Java runtime's own serializer. There is no API Gateway emulator: its IAM authorization is represented by
 * the {@code requestContext.authorizer.iam} block of the fixtures, and by its absence in the unsigned one.
 */
class TvmHandlerTest {
    private static final String TRUST =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                    + "{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";
    private static final String POLICY =
            """
            version: "1"
            rules:
              - name: alice-on-dev
                effect: allow
                conditions:
                  profiles: [dev-role]
                  users: [alice]
              - name: prod-closed
                effect: deny
                conditions:
                  profiles: [prod-role]
                reason: production is closed today
              - name: admin-approval
                effect: require_approval
                conditions:
                  profiles: [admin-role]
            """;
    private static final String APPROVAL_POLICY =
            """
            version: "1"
            rules:
              - name: admin
                profiles: [admin-role]
                approvers: [bob]
                max_duration: 2h
            """;
    private static final byte[] LOG_KEY = new byte[32];
    private static MotoServer moto;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String devRoleArn;
    private String sessionTable;
    private String suffix;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        Arrays.fill(LOG_KEY, (byte) 7);
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C seed(B b) {
        return b.endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build();
    }

    private static String table(DynamoDbClient dynamo, String prefix) {
        String table = prefix + RequestId.random().value();
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build()));
        return table;
    }

    @BeforeEach
    void deploy() {
        suffix = RequestId.random().value();
        AccessKey function;
        String prodRoleArn;
        String adminRoleArn;
        try (IamClient iam = seed(
                IamClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.AWS_GLOBAL))) {
            iam.createUser(b -> b.userName("tvm-function-" + suffix));
            function = iam.createAccessKey(b -> b.userName("tvm-function-" + suffix))
                    .accessKey();
            devRoleArn = iam.createRole(b -> b.roleName("app-dev-" + suffix).assumeRolePolicyDocument(TRUST))
                    .role()
                    .arn();
            prodRoleArn = iam.createRole(b -> b.roleName("app-prod-" + suffix).assumeRolePolicyDocument(TRUST))
                    .role()
                    .arn();
            adminRoleArn = iam.createRole(b -> b.roleName("app-admin-" + suffix).assumeRolePolicyDocument(TRUST))
                    .role()
                    .arn();
        }
        String registry = "/sentinel/tvm/" + suffix + "/profiles";
        String prefix = "/sentinel/" + suffix + "/policies";
        try (SsmClient ssm = seed(SsmClient.builder().httpClient(UrlConnectionHttpClient.create()))) {
            ssm.putParameter(b -> b.name(registry)
                    .type(ParameterType.STRING)
                    .value("version: \"1\"\nprofiles:\n  dev-role:\n    role_arn: " + devRoleArn
                            + "\n  prod-role:\n    role_arn: " + prodRoleArn
                            + "\n  admin-role:\n    role_arn: " + adminRoleArn + "\n"));
            ssm.putParameter(
                    b -> b.name(prefix + "/default").type(ParameterType.STRING).value(POLICY));
        }
        DynamoDbClient dynamo = seed(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()));
        sessionTable = table(dynamo, "sessions-");
        env.put("AWS_ACCESS_KEY_ID", function.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", function.secretAccessKey());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "sentinel-tvm");
        env.put(LambdaConfig.REGISTRY_PARAMETER, registry);
        env.put(LambdaConfig.POLICY_PREFIX, prefix);
        env.put(LambdaConfig.SESSION_TABLE, sessionTable);
        env.put(LambdaConfig.RATE_LIMIT_TABLE, table(dynamo, "rates-"));
        env.put(LambdaConfig.LOG_KEY, HexFormat.of().formatHex(LOG_KEY));
    }

    private TvmHandler handler() {
        PrintStream diagnostics = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new TvmHandler(
                () -> LambdaWiring.build(
                        env, Clock.systemUTC(), new PrintStream(out, true, StandardCharsets.UTF_8), diagnostics),
                diagnostics);
    }

    private static APIGatewayV2HTTPEvent event(String fixture, String... replacements) {
        try (InputStream in = TvmHandlerTest.class.getResourceAsStream("/events/" + fixture)) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (int i = 0; i < replacements.length; i += 2) {
                json = json.replace(replacements[i], replacements[i + 1]);
            }
            return LambdaEventSerializers.serializerFor(
                            APIGatewayV2HTTPEvent.class, TvmHandlerTest.class.getClassLoader())
                    .fromJson(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response as the runtime writes it back to API Gateway. */
    private static Map<String, Object> wire(APIGatewayV2HTTPResponse response) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, TvmHandlerTest.class.getClassLoader())
                .toJson(response, json);
        return JsonReader.parseObject(json.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> body(APIGatewayV2HTTPResponse response) {
        return JsonReader.parseObject(response.getBody());
    }

    @Test
    void anAllowedIamCallerGetsCredentialsForTheRegisteredRoleStampedWithTheirName() {
        APIGatewayV2HTTPResponse response = handler().handleRequest(event("credentials.json"), null);

        Map<String, Object> wire = wire(response);
        assertThat(wire.get("statusCode")).isEqualTo(new java.math.BigDecimal(200));
        assertThat(wire.get("headers").toString()).contains("Cache-Control=no-store");
        Map<String, Object> credentials = body(response);
        assertThat(credentials).containsOnlyKeys("AccessKeyId", "SecretAccessKey", "Token", "Expiration");
        String arn = StsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        (String) credentials.get("AccessKeyId"), (String) credentials.get("SecretAccessKey"), (String)
                                credentials.get("Token"))))
                .build()
                .getCallerIdentity()
                .arn();
        assertThat(arn)
                .contains(":assumed-role/" + devRoleArn.substring(devRoleArn.indexOf('/') + 1) + "/sentinel.alice.d.");

        List<String> log = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(log).singleElement().satisfies(line -> assertThat(line)
                .contains("\"outcome\":\"issued\"", "\"principal_arn\":\"arn:aws:iam::123456789012:user/alice\"")
                .doesNotContain((String) credentials.get("SecretAccessKey")));
        // CloudWatch keeps no head record, so only a truncated tail goes unnoticed; edits do not.
        ChainVerifier verifier = new ChainVerifier(new LogChain(LOG_KEY));
        assertThat(verifier.verify(log, null, true).problems())
                .extracting(ChainVerifier.Finding::message)
                .containsExactly("the head record is missing, so a truncated tail cannot be ruled out");
        assertThat(verifier.verify(List.of(log.get(0).replace("alice", "bob")), null, true)
                        .problems())
                .anySatisfy(finding -> assertThat(finding.message()).contains("MAC does not match"));
    }

    @Test
    void aRouteWithoutIamAuthorizationIsRefused() {
        APIGatewayV2HTTPResponse response = handler().handleRequest(event("credentials-unsigned.json"), null);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(body(response)).containsEntry("code", "IAM_AUTH_REQUIRED").containsOnlyKeys("code", "message");
    }

    @Test
    void deniedAndApprovalRequiredProfilesAreRefusedAndARoleArnIsNoProfile() {
        TvmHandler handler = handler();

        APIGatewayV2HTTPResponse denied = handler.handleRequest(event("credentials-denied.json"), null);
        APIGatewayV2HTTPResponse approval = handler.handleRequest(event("credentials-approval-required.json"), null);
        APIGatewayV2HTTPResponse arn = handler.handleRequest(event("credentials-role-arn.json"), null);

        assertThat(denied.getStatusCode()).isEqualTo(403);
        assertThat(body(denied)).containsEntry("code", "POLICY_DENIED");
        assertThat(denied.getBody()).contains("production is closed today").doesNotContain("app-prod");
        assertThat(approval.getStatusCode()).isEqualTo(403);
        assertThat(body(approval)).containsEntry("code", "APPROVAL_REQUIRED");
        assertThat(arn.getStatusCode()).isEqualTo(400);
        assertThat(body(arn)).containsEntry("code", "USAGE");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("\"outcome\":\"issued\"");
    }

    @Test
    void aSessionIsTrackedInDynamoDbAndItsRevocationRefusesTheNextRefresh() {
        TvmHandler handler = handler();
        APIGatewayV2HTTPResponse opened = handler.handleRequest(event("open-session.json"), null);
        assertThat(opened.getStatusCode()).as(opened.getBody()).isEqualTo(201);
        String id = (String) body(opened).get("session");

        assertThat(handler.handleRequest(event("credentials-in-session.json", "SESSION_ID", id), null)
                        .getStatusCode())
                .isEqualTo(200);
        new DynamoDbSessionStore(
                        seed(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())), sessionTable)
                .revoke(new RequestId(id), "bob", "laptop stolen", Instant.now());
        APIGatewayV2HTTPResponse refused =
                handler.handleRequest(event("credentials-in-session.json", "SESSION_ID", id), null);

        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(body(refused)).containsEntry("code", "SESSION_REVOKED");
        APIGatewayV2HTTPResponse stolen = handler.handleRequest(
                event(
                        "credentials-in-session.json",
                        "SESSION_ID",
                        id,
                        "arn:aws:iam::123456789012:user/alice",
                        "arn:aws:iam::123456789012:user/mallory"),
                null);
        assertThat(body(stolen)).containsEntry("code", "SESSION_NOT_FOUND");
    }

    @Test
    void theRateLimitIsSharedThroughDynamoDbAndAnswers429WithRetryAfter() {
        env.put(LambdaConfig.RATE_LIMIT_REQUESTS, "2");
        TvmHandler one = handler();
        TvmHandler two = handler();

        assertThat(one.handleRequest(event("credentials.json"), null).getStatusCode())
                .isEqualTo(200);
        assertThat(two.handleRequest(event("credentials.json"), null).getStatusCode())
                .isEqualTo(200);
        APIGatewayV2HTTPResponse limited = one.handleRequest(event("credentials.json"), null);

        assertThat(limited.getStatusCode()).isEqualTo(429);
        assertThat(limited.getHeaders()).containsKey("Retry-After");
        assertThat(body(limited)).containsEntry("code", "RATE_LIMITED");
    }

    @Test
    void aNamedStageIsStrippedFromThePath() {
        APIGatewayV2HTTPResponse response = handler().handleRequest(event("profiles-prod-stage.json"), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(body(response).get("profiles"))
                .isEqualTo(List.of(Map.of("name", "dev-role", "session_required", false)));
    }

    @Test
    void aBrokenEnvironmentAnswersWithAConfigurationErrorAndLogsWhy() {
        env.remove(LambdaConfig.SESSION_TABLE);
        env.put("SENTINEL_RATE_LIMT_TABLE", "typo");

        APIGatewayV2HTTPResponse response = handler().handleRequest(event("credentials.json"), null);

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(body(response)).containsEntry("code", "CONFIG_INVALID");
        assertThat(response.getBody()).doesNotContain("SENTINEL_");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(LambdaConfig.SESSION_TABLE + " is required", "did you mean SENTINEL_RATE_LIMIT_TABLE");
    }

    @Test
    void aMissingRegistryServesNothing() {
        env.put(LambdaConfig.REGISTRY_PARAMETER, "/sentinel/tvm/missing");

        APIGatewayV2HTTPResponse response = handler().handleRequest(event("credentials.json"), null);

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(body(response)).containsEntry("code", "CONFIG_INVALID");
        assertThat(response.getBody()).doesNotContain("/sentinel/tvm/missing");
    }

    private static DynamoDbClient dynamo() {
        return seed(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()));
    }

    private static void put(String parameter, String value) {
        try (SsmClient ssm = seed(SsmClient.builder().httpClient(UrlConnectionHttpClient.create()))) {
            ssm.putParameter(b ->
                    b.name(parameter).type(ParameterType.STRING).value(value).overwrite(true));
        }
    }

    private static CallerIdentity user(String name) {
        return CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + name);
    }

    /** The approval workflow as the {@code sentinel} command runs it against the same table. */
    private static ApprovalService approvals(String table) {
        return new ApprovalService(
                new DynamoDbApprovalStore(dynamo(), table),
                () -> ApprovalPolicyParser.parse("approvals.yaml", APPROVAL_POLICY),
                new WorkflowEvents(new RecordingAuditSink(), Notifier.NONE),
                Clock.systemUTC(),
                RequestId::random);
    }

    private List<String> log() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void anApprovedRequestOpensAnApprovalProfileOnlyWhileTheApprovalPolicyStandsBehindIt() {
        String table = "requests-" + suffix;
        DynamoDbApprovalStore.createTable(dynamo(), table);
        String parameter = "/sentinel/" + suffix + "/approvals";
        put(parameter, APPROVAL_POLICY);
        env.put(LambdaConfig.APPROVAL_TABLE, table);
        env.put(LambdaConfig.APPROVAL_POLICY_PARAMETER, parameter);
        env.put(LambdaConfig.CACHE_TTL, "0s");
        ApprovalService approvals = approvals(table);
        TvmHandler handler = handler();

        ApprovalRequest request = approvals.request(
                user("alice"), new ProfileName("admin-role"), Duration.ofHours(1), "deploy the quarterly release");
        APIGatewayV2HTTPResponse waiting = handler.handleRequest(event("credentials-approval-required.json"), null);

        assertThat(waiting.getStatusCode()).isEqualTo(403);
        assertThat(body(waiting)).containsEntry("code", "APPROVAL_PENDING");
        assertThat(waiting.getBody()).contains(request.id().value());

        approvals.approve(user("bob"), request.id(), "ok");
        APIGatewayV2HTTPResponse approved = handler.handleRequest(event("credentials-approval-required.json"), null);

        assertThat(approved.getStatusCode()).as(approved.getBody()).isEqualTo(200);
        assertThat(body(approved)).containsKey("AccessKeyId");
        assertThat(log().get(log().size() - 1))
                .contains(
                        "\"outcome\":\"issued\"",
                        "\"grant\":\"approval\"",
                        "\"approval_request\":\"" + request.id().value() + "\"");

        assertThat(body(handler.handleRequest(event("profiles-prod-stage.json"), null))
                        .get("profiles"))
                .isEqualTo(List.of(
                        Map.of("name", "admin-role", "session_required", false),
                        Map.of("name", "dev-role", "session_required", false)));

        put(parameter, APPROVAL_POLICY.replace("approvers: [bob]", "approvers: [carol]"));
        APIGatewayV2HTTPResponse withdrawn = handler.handleRequest(event("credentials-approval-required.json"), null);

        assertThat(withdrawn.getStatusCode()).isEqualTo(403);
        assertThat(body(withdrawn)).containsEntry("code", "APPROVAL_REQUIRED");
    }

    @Test
    void anActiveBreakGlassEventOpensADeniedProfileUntilItIsClosed() {
        String table = "breakglass-" + suffix;
        DynamoDbBreakGlassStore.createTable(dynamo(), table);
        String parameter = "/sentinel/" + suffix + "/breakglass";
        String policy =
                """
                version: "1"
                rules:
                  - name: prod-incident
                    profiles: [prod-role]
                    users: [alice]
                    reason_codes: [incident]
                    max_duration: 2h
                """;
        put(parameter, policy);
        env.put(LambdaConfig.BREAKGLASS_TABLE, table);
        env.put(LambdaConfig.BREAKGLASS_POLICY_PARAMETER, parameter);
        DynamoDbBreakGlassStore store = new DynamoDbBreakGlassStore(dynamo(), table);
        BreakGlassService breakGlass = new BreakGlassService(
                store,
                () -> BreakGlassPolicyParser.parse("breakglass.yaml", policy),
                new SecondFactor(MfaDirectory.NONE, store, null, RequestId::random),
                new WorkflowEvents(new RecordingAuditSink(), Notifier.NONE),
                Clock.systemUTC(),
                RequestId::random);
        TvmHandler handler = handler();

        assertThat(body(handler.handleRequest(event("credentials-denied.json"), null)))
                .containsEntry("code", "POLICY_DENIED");

        BreakGlassEvent event = breakGlass.invoke(
                user("alice"),
                new ProfileName("prod-role"),
                ReasonCode.INCIDENT,
                "INC-42: the primary database is down",
                null,
                null);
        APIGatewayV2HTTPResponse opened = handler.handleRequest(event("credentials-denied.json"), null);

        assertThat(opened.getStatusCode()).as(opened.getBody()).isEqualTo(200);
        assertThat(log().get(log().size() - 1))
                .contains(
                        "\"outcome\":\"issued\"",
                        "\"grant\":\"break_glass\"",
                        "\"break_glass_event\":\"" + event.id().value() + "\"");

        breakGlass.close(user("alice"), event.id(), "database restored");
        APIGatewayV2HTTPResponse closed = handler.handleRequest(event("credentials-denied.json"), null);

        assertThat(closed.getStatusCode()).isEqualTo(403);
        assertThat(body(closed)).containsEntry("code", "POLICY_DENIED");
    }

    @Test
    void anApprovalIsNotHonouredWhenTheFunctionCannotReadTheApprovalPolicy() {
        String table = "requests-" + suffix;
        DynamoDbApprovalStore.createTable(dynamo(), table);
        env.put(LambdaConfig.APPROVAL_TABLE, table);
        env.put(LambdaConfig.APPROVAL_POLICY_PARAMETER, "/sentinel/" + suffix + "/no-approvals");
        ApprovalService approvals = approvals(table);
        ApprovalRequest request = approvals.request(
                user("alice"), new ProfileName("admin-role"), Duration.ofHours(1), "deploy the quarterly release");
        approvals.approve(user("bob"), request.id(), "ok");
        TvmHandler handler = handler();

        APIGatewayV2HTTPResponse refused = handler.handleRequest(event("credentials-approval-required.json"), null);
        APIGatewayV2HTTPResponse allowed = handler.handleRequest(event("credentials.json"), null);

        assertThat(refused.getStatusCode()).isEqualTo(500);
        assertThat(body(refused)).containsEntry("code", "CONFIG_INVALID");
        assertThat(refused.getBody()).doesNotContain("no-approvals");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-approvals does not exist");
        assertThat(allowed.getStatusCode()).isEqualTo(200);
    }
}
