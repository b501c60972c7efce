package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.SourceIdentityRevoker;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The IAM deny against the emulator (moto). Moto stores policies but does not evaluate them, so these
 * tests check the stored documents exactly; what IAM does with such a document is AWS's documented
 * behaviour for an explicit deny on {@code aws:SourceIdentity}.
 */
class IamSourceIdentityRevokerTest {
    static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";
    private static final Instant UNTIL = Instant.parse("2026-11-22T10:20:00Z");
    private static MotoServer moto;

    private IamClient iam;
    private IamSourceIdentityRevoker revoker;
    private String role;
    private String roleArn;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    static IamClient client(URI endpoint) {
        return IamClient.builder()
                .endpointOverride(endpoint)
                .region(Region.AWS_GLOBAL)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build();
    }

    /** Creates a role in the emulator and returns its ARN. */
    static String createRole(IamClient iam, String name) {
        return iam.createRole(b -> b.roleName(name).path("/team/").assumeRolePolicyDocument(TRUST))
                .role()
                .arn();
    }

    @BeforeEach
    void seed() {
        iam = client(moto.endpoint());
        revoker = new IamSourceIdentityRevoker(iam, moto.endpoint().toString());
        role = "protected-" + RequestId.random().value();
        roleArn = createRole(iam, role);
    }

    private static SourceIdentity stamp(String user) {
        return SourceIdentity.of(user, Grant.DIRECT, RequestId.random());
    }

    private String stored(String name) {
        String document =
                iam.getRolePolicy(b -> b.roleName(role).policyName(name)).policyDocument();
        return document.startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    }

    private List<String> policies() {
        return iam.listRolePolicies(b -> b.roleName(role)).policyNames();
    }

    @Test
    void aRoleThatNoLongerExistsHasNothingToDenyOrRemove() {
        String gone =
                "arn:aws:iam::123456789012:role/deleted-" + RequestId.random().value();
        assertThat(revoker.deny(RequestId.random(), gone, List.of(stamp("alice")), UNTIL))
                .isEqualTo(SourceIdentityRevoker.Denial.ROLE_GONE);
        assertThat(revoker.removeExpired(gone, UNTIL).removed()).isEmpty();
    }

    @Test
    void anUnreachableIamIsAClearErrorAndWritesNothing() {
        IamSourceIdentityRevoker down = new IamSourceIdentityRevoker(
                client(URI.create("http://127.0.0.1:" + MotoServer.freePort())), "http://127.0.0.1 (closed)");
        assertThatThrownBy(() -> down.deny(RequestId.random(), roleArn, List.of(stamp("alice")), UNTIL))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("Cannot reach AWS at http://127.0.0.1 (closed)")
                .hasMessageContaining("deny policy sentinel-revoke-")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AWS_UNREACHABLE);
        assertThatThrownBy(() -> down.removeExpired(roleArn, UNTIL))
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AWS_UNREACHABLE);
        assertThat(policies()).isEmpty();
    }

    @Test
    void aDenyThatDoesNotFitIsRefusedWithTheNumbersAndNothingIsWritten() {
        StringBuilder resources = new StringBuilder();
        for (int i = 0; i < 340; i++) {
            resources
                    .append(i == 0 ? "" : ",")
                    .append("\"arn:aws:s3:::bucket-")
                    .append(1000 + i)
                    .append("/*\"");
        }
        String big = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":[" + resources + "]}]}";
        iam.putRolePolicy(b -> b.roleName(role).policyName("existing").policyDocument(big));
        int existing = IamSourceIdentityRevoker.size(big);
        assertThat(existing).isBetween(9_800, 10_100);
        List<SourceIdentity> stamps = List.of(
                stamp("alice-with-a-long-name"), stamp("bob-with-a-long-name"), stamp("carol-with-a-long-name"));

        assertThatThrownBy(() -> revoker.deny(new RequestId("sessionaaa"), roleArn, stamps, UNTIL))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("does not fit on role " + roleArn)
                .hasMessageContaining("already take " + existing + " of IAM's 10240 characters")
                .hasMessageContaining("Nothing was written")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.IAM_POLICY_TOO_LARGE);
        assertThat(policies()).containsExactly("existing");
    }

    @Test
    void writesExactlyTheDenyDocument() {
        RequestId session = new RequestId("sessionaaa");
        SourceIdentity bob = SourceIdentity.of("bob", Grant.DIRECT, new RequestId("bbbbbbbbbb"));
        SourceIdentity alice =
                SourceIdentity.of("alice", Grant.approval(new RequestId("cccccccccc")), new RequestId("aaaaaaaaaa"));

        assertThat(revoker.deny(session, roleArn, List.of(bob, alice, bob), Instant.parse("2026-11-22T10:19:00.250Z")))
                .isEqualTo(SourceIdentityRevoker.Denial.WRITTEN);

        assertThat(policies()).containsExactly("sentinel-revoke-sessionaaa");
        assertThat(stored("sentinel-revoke-sessionaaa"))
                .isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"SentinelRevokesessionaaa\","
                        + "\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                        + "{\"aws:SourceIdentity\":[\"sentinel.alice.acccccccccc.aaaaaaaaaa\","
                        + "\"sentinel.bob.d.bbbbbbbbbb\"]},\"DateLessThan\":{\"aws:CurrentTime\":"
                        + "\"2026-11-22T10:19:01Z\"}}}]}");
    }

    @Test
    void writingItAgainReplacesTheSessionsDenyInsteadOfAddingOne() {
        RequestId session = RequestId.random();
        SourceIdentity first = stamp("alice");
        revoker.deny(session, roleArn, List.of(first, stamp("alice")), UNTIL);
        revoker.deny(session, roleArn, List.of(first), UNTIL);
        revoker.deny(session, roleArn, List.of(first), UNTIL);

        assertThat(policies()).containsExactly(IamSourceIdentityRevoker.policyName(session));
        assertThat(stored(IamSourceIdentityRevoker.policyName(session)))
                .isEqualTo(IamSourceIdentityRevoker.document(session, List.of(first), UNTIL));
    }

    @Test
    void twoSessionsOnOneRoleKeepTheirOwnDeniesAndEachGoesWhenItsCredentialsHaveExpired() {
        RequestId early = RequestId.random();
        RequestId late = RequestId.random();
        iam.putRolePolicy(b -> b.roleName(role)
                .policyName("app-permissions")
                .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}"));
        revoker.deny(early, roleArn, List.of(stamp("alice")), UNTIL);
        revoker.deny(late, roleArn, List.of(stamp("bob")), UNTIL.plusSeconds(600));
        assertThat(policies())
                .containsExactlyInAnyOrder(
                        "app-permissions",
                        IamSourceIdentityRevoker.policyName(early),
                        IamSourceIdentityRevoker.policyName(late));

        assertThat(revoker.removeExpired(roleArn, UNTIL.minusSeconds(1)).removed())
                .as("still needed")
                .isEmpty();
        assertThat(revoker.removeExpired(roleArn, UNTIL).removed())
                .containsExactly(IamSourceIdentityRevoker.policyName(early));
        assertThat(policies()).containsExactlyInAnyOrder("app-permissions", IamSourceIdentityRevoker.policyName(late));

        assertThat(revoker.removeExpired(roleArn, UNTIL.plusSeconds(600)).removed())
                .containsExactly(IamSourceIdentityRevoker.policyName(late));
        assertThat(revoker.removeExpired(roleArn, UNTIL.plusSeconds(600)).removed())
                .isEmpty();
        assertThat(policies()).containsExactly("app-permissions");
    }

    @Test
    void aDenyWhoseEndCannotBeReadIsLeftInPlace() {
        String edited = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceIdentity\":[\"x\"]}}}]}";
        iam.putRolePolicy(
                b -> b.roleName(role).policyName("sentinel-revoke-edited0000").policyDocument(edited));

        SourceIdentityRevoker.Removal removal = revoker.removeExpired(roleArn, UNTIL.plusSeconds(86_400));

        assertThat(removal.removed()).isEmpty();
        assertThat(removal.unreadable()).containsExactly("sentinel-revoke-edited0000");
        assertThat(policies()).containsExactly("sentinel-revoke-edited0000");
    }

    @Test
    void sizeCountsWhatIamCountsAndTheEndParsesBack() {
        assertThat(IamSourceIdentityRevoker.size("{ \"a\" :\n\t\"b c\" }")).isEqualTo(10);
        String document = IamSourceIdentityRevoker.document(RequestId.random(), List.of(stamp("alice")), UNTIL);
        assertThat(IamSourceIdentityRevoker.until(document)).isEqualTo(UNTIL);
        assertThat(IamSourceIdentityRevoker.until(document.replace("2026-11-22T10:20:00Z", "soon")))
                .isNull();
        assertThatThrownBy(() -> IamSourceIdentityRevoker.document(RequestId.random(), List.of(), UNTIL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void somethingThatIsNotARoleArnIsRefusedWithoutCallingIam() {
        assertThatThrownBy(() -> revoker.deny(
                        RequestId.random(), "arn:aws:iam::123456789012:user/alice", List.of(stamp("alice")), UNTIL))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("is not an IAM role ARN");
    }
}
