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
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
import software.amazon.awssdk.services.sts.StsClient;

/** The AWS adapters against a real emulator (moto's server mode). */
class AwsAdaptersTest {
    private static final String TRUST =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                    + "{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";
    private static MotoServer moto;

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private String user;
    private AccessKey key;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @BeforeEach
    void seed() throws IOException {
        user = "u" + Long.toString(System.nanoTime(), 36);
        try (IamClient iam = IamClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            iam.createUser(b -> b.userName(user));
            key = iam.createAccessKey(b -> b.userName(user)).accessKey();
            iam.createRole(b -> b.roleName(user + "-role").assumeRolePolicyDocument(TRUST));
        }
        Files.writeString(
                dir.resolve("credentials"),
                "[base]\naws_access_key_id = " + key.accessKeyId() + "\naws_secret_access_key = "
                        + key.secretAccessKey() + "\n");
        config("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/" + user
                + "-role\nsource_profile = base\nregion = us-east-1\n\n" + "[profile base]\nregion = us-east-1\n");
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    }

    private void config(String text) throws IOException {
        Files.writeString(dir.resolve("config"), text);
    }

    private AwsEnvironment environment() {
        return new AwsEnvironment(env, dir);
    }

    private AwsClients clients() {
        return new AwsClients(new AwsProfiles(environment()));
    }

    private static IssueRequest request(String profile, CallerIdentity caller, Duration max) {
        return new IssueRequest(
                new ProfileName(profile),
                caller,
                SourceIdentity.of(caller.user(), Grant.DIRECT, RequestId.random()),
                max);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    @Test
    void learnsTheCallerFromSts() {
        CallerIdentity caller = new StsIdentityResolver(clients()).resolve(new ProfileName("dev"));
        assertThat(caller.user()).isEqualTo(user);
        assertThat(caller.arn()).isEqualTo("arn:aws:iam::123456789012:user/" + user);
    }

    @Test
    void assumesTheRoleWithTheStampAsSourceIdentityAndSessionName() {
        CallerIdentity caller = new StsIdentityResolver(clients()).resolve(new ProfileName("dev"));
        IssueRequest request = request("dev", caller, null);
        IssuedCredentials issued = new StsCredentialIssuer(clients(), (p, s) -> "000000").issue(request);

        assertThat(issued.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/" + user + "-role");
        assertThat(issued.sourceIdentity()).isEqualTo(request.sourceIdentity());
        assertThat(issued.credentials().expiration())
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        try (StsClient sts = StsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        issued.credentials().accessKeyId(),
                        issued.credentials().secretAccessKey(),
                        issued.credentials().sessionToken())))
                .build()) {
            String arn = sts.getCallerIdentity().arn();
            assertThat(arn).endsWith("/" + request.sourceIdentity().format());
            assertThat(arn.substring(arn.lastIndexOf('/') + 1)).matches("[\\w+=,.@-]{2,64}");
        }
    }

    @Test
    void capsTheDurationByPolicyButNeverBelowWhatStsAccepts() throws IOException {
        config("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/" + user
                + "-role\nsource_profile = base\nduration_seconds = 7200\n");
        AwsProfile profile = new AwsProfiles(environment()).require(new ProfileName("dev"));
        assertThat(StsCredentialIssuer.duration(profile, null)).isEqualTo(Duration.ofHours(2));
        assertThat(StsCredentialIssuer.duration(profile, Duration.ofMinutes(30)))
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(StsCredentialIssuer.duration(profile, Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void profilesWithoutARoleGetSessionTokenCredentialsWithoutAStamp() {
        CallerIdentity caller = new StsIdentityResolver(clients()).resolve(new ProfileName("base"));
        IssuedCredentials issued =
                new StsCredentialIssuer(clients(), (p, s) -> "000000").issue(request("base", caller, null));
        assertThat(issued.sourceIdentity()).isNull();
        assertThat(issued.roleArn()).isNull();
        assertThat(issued.credentials().sessionToken()).isNotEmpty();
    }

    @Test
    void readsPoliciesFromSsmWithADefaultFallback() {
        try (SsmClient ssm = SsmClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build()) {
            String prefix = "/t/" + user;
            ssm.putParameter(b -> b.name(prefix + "/dev")
                    .type("String")
                    .value("version: \"1\"\nrules:\n  - name: own\n    effect: allow\n"));
            ssm.putParameter(b -> b.name(prefix + "/default")
                    .type("SecureString")
                    .value("version: \"1\"\nrules:\n  - name: fallback\n    effect: deny\n"));
            LoadedPolicy own = new SsmPolicySource(clients(), prefix, null).load(new ProfileName("dev"));
            assertThat(own.source()).isEqualTo("ssm:" + prefix + "/dev");
            assertThat(own.policy().rules().get(0).name()).isEqualTo("own");
            LoadedPolicy fallback = new SsmPolicySource(clients(), prefix, null).load(new ProfileName("base"));
            assertThat(fallback.policy().rules().get(0).name()).isEqualTo("fallback");

            ssm.putParameter(b -> b.name(prefix + "/broken/dev")
                    .type("String")
                    .value("version: \"1\"\nrules:\n  - name: x\n    effect: Allow\n"));
            assertThatThrownBy(
                            () -> new SsmPolicySource(clients(), prefix + "/broken", null).load(new ProfileName("dev")))
                    .hasMessageContaining("ssm:" + prefix + "/broken/dev:4:");
        }
        assertThatThrownBy(() -> new SsmPolicySource(clients(), "/none/" + user, null).load(new ProfileName("dev")))
                .hasMessageContaining("/none/" + user + "/dev")
                .hasMessageContaining("/none/" + user + "/default")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.POLICY_NOT_FOUND);
    }

    @Test
    void anUnreachableEndpointFailsFastWithAnAwsError() {
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + MotoServer.freePort());
        long start = System.nanoTime();
        assertCode(() -> new StsIdentityResolver(clients()).resolve(new ProfileName("dev")), ErrorCode.AWS_UNREACHABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theProfilesEndpointUrlIsHonoured() throws IOException {
        env.remove("AWS_ENDPOINT_URL");
        config("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/" + user
                + "-role\nsource_profile = base\nendpoint_url = " + moto.endpoint() + "\n");
        assertThat(new StsIdentityResolver(clients())
                        .resolve(new ProfileName("dev"))
                        .user())
                .isEqualTo(user);
    }

    @Test
    void refusesBrokenProfilesWithAHint() throws IOException {
        AwsProfiles profiles = new AwsProfiles(environment());
        assertThatThrownBy(() -> profiles.require(new ProfileName("missing")))
                .isInstanceOf(SentinelException.class)
                .satisfies(e -> assertThat(((SentinelException) e).hint()).contains("dev", "base"));

        config("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n"
                + "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = a\n"
                + "[profile bad-arn]\nrole_arn = arn:aws:iam::123:role/r\nsource_profile = base\n"
                + "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\ncredential_source = Environment\n"
                + "[profile short]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nduration_seconds = 60\n"
                + "[profile dangling]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nowhere\n"
                + "[profile loop]\ncredential_process = /usr/local/bin/sentinel credentials --profile loop\n");
        AwsProfiles broken = new AwsProfiles(environment());
        for (String name : new String[] {"a", "bad-arn", "both", "short", "dangling", "loop"}) {
            assertCode(() -> broken.require(new ProfileName(name)), ErrorCode.PROFILE_INVALID);
        }
        assertThatThrownBy(() -> broken.require(new ProfileName("a"))).hasMessageContaining("loops");
    }

    @Test
    void theFingerprintChangesWithTheKeysAndIsStableOtherwise() throws IOException {
        ConfigFingerprint fingerprint = new ConfigFingerprint(environment());
        String first = fingerprint.of(new ProfileName("dev"));
        assertThat(fingerprint.of(new ProfileName("dev"))).isEqualTo(first);
        assertThat(fingerprint.of(new ProfileName("base"))).isNotEqualTo(first);
        Files.writeString(
                dir.resolve("credentials"), "[base]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n");
        assertThat(fingerprint.of(new ProfileName("dev"))).isNotEqualTo(first);
        env.put("AWS_ACCESS_KEY_ID", "AKIAENV");
        assertThat(new ConfigFingerprint(environment()).of(new ProfileName("dev")))
                .isNotEqualTo(fingerprint.of(new ProfileName("dev")));
    }

    @Test
    void errorsNeverCarryTheSecretKey() {
        env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + MotoServer.freePort());
        assertThatThrownBy(() -> new StsIdentityResolver(clients()).resolve(new ProfileName("dev")))
                .satisfies(e -> assertThat(e.getMessage() + ((SentinelException) e).hint())
                        .doesNotContain(key.secretAccessKey()));
    }

    private String kmsKey(String spec) {
        try (software.amazon.awssdk.services.kms.KmsClient kms = software.amazon.awssdk.services.kms.KmsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build()) {
            return kms.createKey(b -> b.keyUsage("SIGN_VERIFY").keySpec(spec))
                    .keyMetadata()
                    .keyId();
        }
    }

    @Test
    void kmsKeysSignAndVerifyPolicies() {
        String policy = "version: \"1\"\nrules:\n  - name: a\n    effect: allow\n";
        for (String spec : new String[] {"RSA_2048", "ECC_NIST_P256"}) {
            KmsPolicyKey key = KmsPolicyKey.open(clients(), new ProfileName("dev"), kmsKey(spec));
            assertThat(key.keyId()).startsWith("arn:aws:kms:us-east-1:123456789012:key/");
            assertThat(key.algorithm()).isEqualTo(spec.startsWith("RSA") ? "RSASSA_PSS_SHA_256" : "ECDSA_SHA_256");
            dev.sentinel.signing.PolicySignature signature =
                    dev.sentinel.signing.PolicySignature.sign(key, "prod", policy, Instant.now());
            signature.verify(key, "prod", policy, "p");
            assertCode(
                    () -> signature.verify(key, "prod", policy.replace("allow", "deny"), "p"),
                    ErrorCode.POLICY_SIGNATURE_INVALID);
            KmsPolicyKey other = KmsPolicyKey.open(clients(), new ProfileName("dev"), kmsKey(spec));
            assertCode(() -> signature.verify(other, "prod", policy, "p"), ErrorCode.POLICY_SIGNATURE_INVALID);
        }
        assertCode(
                () -> KmsPolicyKey.open(clients(), new ProfileName("dev"), "alias/does-not-exist"),
                ErrorCode.AWS_ERROR);
    }

    @Test
    void theSsmStoreKeepsPolicyAndSignatureTogether() {
        String prefix = "/store/" + user;
        SsmPolicyStore store = new SsmPolicyStore(clients(), new ProfileName("dev"), prefix, null);
        assertThat(store.read("dev")).isEmpty();
        store.write("dev", "version: \"1\"\nrules: []\n", "{\"format\":\"x\"}");
        assertThat(store.read("dev")).get().satisfies(stored -> {
            assertThat(stored.text()).isEqualTo("version: \"1\"\nrules: []\n");
            assertThat(stored.signature()).isEqualTo("{\"format\":\"x\"}");
            assertThat(stored.location()).isEqualTo("ssm:" + prefix + "/dev");
        });
        store.write("dev", "version: \"1\"\nrules: []\n# v2\n", null);
        assertThat(store.read("dev")).get().satisfies(stored -> assertThat(stored.signature())
                .isNull());
        LoadedPolicy loaded = new SsmPolicySource(clients(), prefix, null).load(new ProfileName("dev"));
        assertThat(new SsmSignatures(clients(), null).bindingOf(loaded)).isEqualTo("dev");
    }

    @Test
    void aFailedSignatureWriteLeavesThePreviousPolicyInForce() {
        String prefix = "/rollback/" + user;
        SsmPolicyStore store = new SsmPolicyStore(clients(), new ProfileName("dev"), prefix, null);
        store.write("dev", "old", null);
        // SSM rejects an empty value, so the signature write fails after the policy write succeeded.
        assertThatThrownBy(() -> store.write("dev", "new", ""))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("previous policy");
        assertThat(store.read("dev")).get().extracting(PolicyStore.Stored::text).isEqualTo("old");
    }
}
