package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistryParser;
import dev.sentinel.registry.RegisteredProfile;
import dev.sentinel.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.sts.StsClient;

/** The token vending machine's AWS adapters against the emulator: proofs, the registry issuer, the SSM registry. */
class TvmAdaptersTest {
    private static final String TRUST =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                    + "{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";
    private static MotoServer moto;

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private String caller;
    private String server;
    private AccessKey callerKey;
    private AccessKey serverKey;
    private String roleArn;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static IamClient iam() {
        return IamClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @BeforeEach
    void seed() throws IOException {
        String suffix = Long.toString(System.nanoTime(), 36);
        caller = "alice-" + suffix;
        server = "tvm-" + suffix;
        try (IamClient iam = iam()) {
            iam.createUser(b -> b.userName(caller));
            callerKey = iam.createAccessKey(b -> b.userName(caller)).accessKey();
            iam.createUser(b -> b.userName(server));
            serverKey = iam.createAccessKey(b -> b.userName(server)).accessKey();
            roleArn = iam.createRole(b -> b.roleName("app-" + suffix).assumeRolePolicyDocument(TRUST))
                    .role()
                    .arn();
        }
        Files.writeString(
                dir.resolve("credentials"),
                "[alice]\naws_access_key_id = " + callerKey.accessKeyId() + "\naws_secret_access_key = "
                        + callerKey.secretAccessKey() + "\n\n[tvm]\naws_access_key_id = " + serverKey.accessKeyId()
                        + "\naws_secret_access_key = " + serverKey.secretAccessKey() + "\n");
        Files.writeString(
                dir.resolve("config"),
                "[profile alice]\nregion = eu-west-1\n\n[profile tvm]\nregion = us-east-1\n\n"
                        + "[profile dev]\nrole_arn = " + roleArn + "\nsource_profile = alice\n");
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    }

    private AwsProfiles profiles() {
        return new AwsProfiles(new AwsEnvironment(env, dir));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    /** Sends a proof to STS exactly as a server forwards it: its signed headers, to the endpoint it names. */
    private static HttpResponse<String> forward(IdentityProof proof) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(proof.url())).POST(HttpRequest.BodyPublishers.ofString(proof.body()));
        proof.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host")) {
                request.header(name, value);
            }
        });
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aProofIsASignedGetCallerIdentityThatNamesTheServer() throws Exception {
        IdentityProof proof = StsIdentityProver.forProfile(profiles(), new ProfileName("alice"), Clock.systemUTC())
                .prove("tvm.example.com");

        assertThat(proof.method()).isEqualTo("POST");
        assertThat(proof.url()).isEqualTo(moto.endpoint() + "/");
        assertThat(proof.body()).isEqualTo(IdentityProof.GET_CALLER_IDENTITY_BODY);
        assertThat(proof.header("X-Sentinel-Server-ID")).contains("tvm.example.com");
        assertThat(proof.header("Authorization"))
                .get()
                .asString()
                .startsWith("AWS4-HMAC-SHA256 Credential=" + callerKey.accessKeyId() + "/")
                .contains("/eu-west-1/sts/aws4_request")
                .containsPattern("SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*")
                .containsPattern("SignedHeaders=[a-z0-9;-]*x-sentinel-server-id");

        HttpResponse<String> answer = forward(proof);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("<Arn>arn:aws:iam::123456789012:user/" + caller + "</Arn>");
    }

    @Test
    void aRoleProfileProvesItsBaseIdentityNotTheRole() throws Exception {
        IdentityProof proof = StsIdentityProver.forProfile(profiles(), new ProfileName("dev"), Clock.systemUTC())
                .prove("tvm.example.com");

        assertThat(forward(proof).body()).contains("user/" + caller + "</Arn>");
    }

    @Test
    void withoutAProfileTheEnvironmentsKeysProveAndTheirSessionTokenIsSigned() {
        env.put("AWS_ACCESS_KEY_ID", callerKey.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", callerKey.secretAccessKey());
        env.put("AWS_SESSION_TOKEN", "session-token");

        IdentityProof proof = StsIdentityProver.forProfile(profiles(), null, Clock.systemUTC())
                .prove("srv");

        assertThat(proof.header("X-Amz-Security-Token")).contains("session-token");
        assertThat(proof.header("Authorization"))
                .get()
                .asString()
                .contains(callerKey.accessKeyId())
                .containsPattern("SignedHeaders=[a-z0-9;-]*x-amz-security-token");
    }

    @Test
    void withoutAProfileOrKeysAwsProfileProves() {
        env.put("AWS_PROFILE", "alice");

        IdentityProof proof = StsIdentityProver.forProfile(profiles(), null, Clock.systemUTC())
                .prove("srv");

        assertThat(proof.header("Authorization")).get().asString().contains(callerKey.accessKeyId());
    }

    @Test
    void proofsCarryTheSigningTimeOfTheirClock() {
        Instant then = Instant.parse("2026-01-02T03:04:05Z");
        IdentityProof proof = StsIdentityProver.forProfile(
                        profiles(), new ProfileName("alice"), Clock.fixed(then, java.time.ZoneOffset.UTC))
                .prove("srv");

        assertThat(proof.header("X-Amz-Date")).contains("20260102T030405Z");
    }

    @Test
    void theSigningRegionFollowsTheStsEndpoint() {
        assertThat(StsIdentityProver.signingRegion(URI.create("https://sts.amazonaws.com/"), Optional.of("eu-west-1")))
                .isEqualTo("us-east-1");
        assertThat(StsIdentityProver.signingRegion(
                        URI.create("https://sts.eu-central-1.amazonaws.com/"), Optional.empty()))
                .isEqualTo("eu-central-1");
        assertThat(StsIdentityProver.signingRegion(URI.create("http://127.0.0.1:5000/"), Optional.of("ap-south-1")))
                .isEqualTo("ap-south-1");
        assertThat(StsIdentityProver.signingRegion(URI.create("http://127.0.0.1:5000/"), Optional.empty()))
                .isEqualTo("us-east-1");
        env.remove("AWS_ENDPOINT_URL");
        assertThat(StsIdentityProver.defaultEndpoint(profiles())).isEqualTo(StsIdentityProver.GLOBAL_ENDPOINT);
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000");
        assertThat(StsIdentityProver.defaultEndpoint(profiles())).isEqualTo(URI.create("http://127.0.0.1:5000/"));
    }

    private static IssueRequest request(String profile, Duration max) {
        CallerIdentity who = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice");
        return new IssueRequest(
                new ProfileName(profile), who, SourceIdentity.of(who.user(), Grant.DIRECT, RequestId.random()), max);
    }

    @Test
    void theIssuerAssumesTheRegisteredRoleWithTheServersOwnCredentials() {
        ProfileRegistry registry = new ProfileRegistry(
                "test", List.of(new RegisteredProfile(new ProfileName("dev-role"), roleArn, Duration.ofHours(2))));
        AwsClients service = AwsClients.forService(profiles(), new ProfileName("tvm"));
        IssueRequest request = request("dev-role", Duration.ofMinutes(15));

        IssuedCredentials issued = new RegistryRoleIssuer(service, () -> registry).issue(request);

        assertThat(issued.roleArn()).isEqualTo(roleArn);
        assertThat(issued.sourceIdentity()).isEqualTo(request.sourceIdentity());
        String arn = StsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        issued.credentials().accessKeyId(),
                        issued.credentials().secretAccessKey(),
                        issued.credentials().sessionToken())))
                .build()
                .getCallerIdentity()
                .arn();
        assertThat(arn).endsWith("/" + request.sourceIdentity().format());
    }

    @Test
    void theIssuerRefusesAProfileTheRegistryDoesNotHave() {
        ProfileRegistry registry =
                new ProfileRegistry("test", List.of(new RegisteredProfile(new ProfileName("dev-role"), roleArn, null)));
        AwsClients service = AwsClients.forService(profiles(), new ProfileName("tvm"));

        assertCode(
                () -> new RegistryRoleIssuer(service, () -> registry).issue(request(roleArn, null)),
                ErrorCode.PROFILE_NOT_REGISTERED);
    }

    @Test
    void theLifetimeIsTheRegistrysCappedByThePolicyAndNeverBelowFifteenMinutes() {
        RegisteredProfile twoHours = new RegisteredProfile(new ProfileName("a"), roleArn, Duration.ofHours(2));
        RegisteredProfile unset = new RegisteredProfile(new ProfileName("a"), roleArn, null);

        assertThat(RegistryRoleIssuer.duration(twoHours, null)).isEqualTo(Duration.ofHours(2));
        assertThat(RegistryRoleIssuer.duration(twoHours, Duration.ofMinutes(30)))
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(RegistryRoleIssuer.duration(unset, null)).isEqualTo(Duration.ofHours(1));
        assertThat(RegistryRoleIssuer.duration(unset, Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void serviceClientsUseTheEnvironmentsKeysWithoutAProfile() {
        env.put("AWS_ACCESS_KEY_ID", serverKey.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", serverKey.secretAccessKey());

        AwsClients service = AwsClients.forService(profiles(), null);

        assertThat(service.serviceSts().getCallerIdentity().arn()).endsWith(":user/" + server);
        assertThatThrownBy(() -> new AwsClients(profiles()).serviceSts()).isInstanceOf(IllegalStateException.class);
    }

    private SsmClient ssm() {
        return SsmClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build();
    }

    private static String registry(String role) {
        return "version: \"1\"\nprofiles:\n  dev-role:\n    role_arn: " + role + "\n";
    }

    @Test
    void theSsmRegistryIsReadWithTheServersCredentialsAndKeptForItsTtl() {
        String name = "/sentinel/tvm/profiles-" + caller;
        ssm().putParameter(b -> b.name(name).type(ParameterType.STRING).value(registry(roleArn)));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
        SsmProfileRegistry source = new SsmProfileRegistry(
                AwsClients.forService(profiles(), new ProfileName("tvm")), name, Duration.ofSeconds(30), clock);

        assertThat(source.load().find(new ProfileName("dev-role")).orElseThrow().roleArn())
                .isEqualTo(roleArn);
        assertThat(source.load().source()).isEqualTo("ssm:" + name);

        String other = "arn:aws:iam::123456789012:role/other";
        ssm().putParameter(b ->
                b.name(name).type(ParameterType.STRING).value(registry(other)).overwrite(true));
        clock.advance(Duration.ofSeconds(29));
        assertThat(source.load().find(new ProfileName("dev-role")).orElseThrow().roleArn())
                .isEqualTo(roleArn);
        clock.advance(Duration.ofSeconds(1));
        assertThat(source.load().find(new ProfileName("dev-role")).orElseThrow().roleArn())
                .isEqualTo(other);

        ssm().putParameter(b -> b.name(name)
                .type(ParameterType.STRING)
                .value("version: \"1\"\nprofile: {}\n")
                .overwrite(true));
        clock.advance(Duration.ofSeconds(30));
        assertCode(source::load, ErrorCode.CONFIG_INVALID);
        assertCode(source::load, ErrorCode.CONFIG_INVALID);
    }

    @Test
    void aMissingRegistryParameterServesNothing() {
        SsmProfileRegistry source = new SsmProfileRegistry(
                AwsClients.forService(profiles(), new ProfileName("tvm")),
                "/sentinel/tvm/missing-" + caller,
                Duration.ofSeconds(30),
                Clock.systemUTC());

        assertCode(source::load, ErrorCode.CONFIG_INVALID);
    }

    @Test
    void aRegistryDocumentIsParsedTheSameWayFromAFile() {
        assertThat(ProfileRegistryParser.parse("f", registry(roleArn)).profiles())
                .hasSize(1);
    }
}
