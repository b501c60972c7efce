package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.IamSourceIdentityRevoker;
import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.local.session.SqliteSessionStore;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.testing.MutableClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * {@code sentinel server-revoke} through the real command line, in-process, against a session seeded in
 * the SQLite store and a role in the AWS emulator (moto stores IAM policies but does not evaluate them).
 */
class ServerRevokeCommandTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;
    private final MutableClock clock = new MutableClock(T0);
    private String admin;
    private String role;
    private String roleArn;
    private SqliteSessionStore store;
    private RequestId session;
    private List<SourceIdentity> stamps;

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
        admin = "admin-" + suffix;
        role = "prod-" + suffix;
        world = new CliWorld(dir, moto.endpoint()).user(admin).roleProfile("prod", role, admin);
        world.config("[profile " + admin + "]\nregion = us-east-1\n\n");
        world.clock = clock;
        roleArn = CliWorld.roleArn(role);
        store = new SqliteSessionStore(world.home.resolve("state/sentinel.db"));
        session = RequestId.random();
        store.create(new ServerSession(
                session,
                "prod",
                "alice",
                ServerSession.Status.ACTIVE,
                T0.minus(Duration.ofMinutes(20)),
                T0,
                T0.plus(Duration.ofHours(11)),
                2,
                null,
                null));
        stamps = List.of(issue(T0.plus(Duration.ofMinutes(5))), issue(T0.plus(Duration.ofMinutes(12))));
    }

    private SourceIdentity issue(Instant expiresAt) {
        RequestId decision = RequestId.random();
        SourceIdentity stamp = SourceIdentity.of("alice", Grant.DIRECT, decision);
        store.recordIssuance(session, new Issuance(decision, stamp, roleArn, expiresAt), T0.minusSeconds(60));
        return stamp;
    }

    private List<String> policies() {
        try (IamClient iam = world.iam()) {
            return iam.listRolePolicies(b -> b.roleName(role)).policyNames();
        }
    }

    private String policy(String name) {
        try (IamClient iam = world.iam()) {
            String document =
                    iam.getRolePolicy(b -> b.roleName(role).policyName(name)).policyDocument();
            return document.startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
        }
    }

    private CliWorld.Result revokeNow(String... extra) {
        List<String> args = new java.util.ArrayList<>(
                List.of("server-revoke", session.value(), "--reason", "laptop stolen", "--profile", admin, "--now"));
        args.addAll(List.of(extra));
        return world.sentinel(args.toArray(String[]::new));
    }

    @Test
    void withoutAnAwsProfileTheStoreRevocationStandsAndTheCommandSaysWhatWasNotEnded() {
        CliWorld.Result result = revokeNow();

        assertThat(result.exit()).as(result.err()).isEqualTo(5);
        assertThat(result.err())
                .contains("revoked server session " + session.value())
                .contains("CONFIG_INVALID: NOT ended: 2 credential(s) of role " + roleArn
                        + " stay valid until 2026-11-22T10:12:00Z")
                .contains("sessions.revoke_aws_profile")
                .contains("run 'sentinel server-revoke " + session.value() + " --now' again");
        ServerSession revoked = store.get(session).orElseThrow();
        assertThat(revoked.status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(revoked.revokedBy()).isEqualTo(admin);
        assertThat(policies()).isEmpty();

        CliWorld.Result retried = revokeNow("--aws-profile", admin);
        assertThat(retried.exit()).as(retried.err()).isZero();
        assertThat(retried.err()).contains("was already revoked by " + admin + " (laptop stolen)");
        assertThat(policies()).containsExactly("sentinel-revoke-" + session.value());
    }

    @Test
    void whenIamCannotBeReachedTheStoreRevocationStandsAndTheExitCodeSaysAws() {
        String closed = "http://127.0.0.1:" + MotoServer.freePort();
        List<String> args = List.of(
                "server-revoke",
                session.value(),
                "--reason",
                "laptop stolen",
                "--profile",
                admin,
                "--now",
                "--aws-profile",
                admin);
        CliWorld.Result result =
                world.sentinelWith(Map.of("AWS_ENDPOINT_URL_IAM", closed), args.toArray(String[]::new));

        assertThat(result.exit()).as(result.err()).isEqualTo(6);
        assertThat(result.err())
                .contains("revoked server session " + session.value())
                .contains("AWS_UNREACHABLE: NOT ended: 2 credential(s) of role " + roleArn)
                .contains("Cannot reach AWS at " + closed);
        assertThat(store.get(session).orElseThrow().status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(policies()).isEmpty();
    }

    @Test
    void nowDeniesTheSessionsCredentialsAndCleanupRemovesTheDenyOnceTheyHaveExpired() {
        world.sentinelConfig("sessions:\n  revoke_aws_profile: " + admin + "\n");

        CliWorld.Result result = revokeNow();

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.err())
                .contains("revoked server session " + session.value() + " (profile 'prod', user alice)")
                .contains("ended 2 credential(s) of role " + roleArn + ": inline policy sentinel-revoke-"
                        + session.value() + " denies their SourceIdentity until 2026-11-22T10:17:01Z")
                .contains("IAM may take a few minutes");
        String name = IamSourceIdentityRevoker.policyName(session);
        assertThat(policy(name))
                .isEqualTo(IamSourceIdentityRevoker.document(session, stamps, Instant.parse("2026-11-22T10:17:01Z")));

        CliWorld.Result early = world.sentinel("server-revoke", "--cleanup");
        assertThat(early.exit()).as(early.err()).isZero();
        assertThat(early.err()).contains("removed 0 deny policies no longer needed, from 1 role(s)");
        assertThat(policies()).containsExactly(name);

        clock.set(Instant.parse("2026-11-22T10:17:01Z"));
        CliWorld.Result cleaned = world.sentinel("server-revoke", "--cleanup");
        assertThat(cleaned.exit()).as(cleaned.err()).isZero();
        assertThat(cleaned.err()).contains("role " + roleArn + ": removed " + name);
        assertThat(policies()).isEmpty();
    }

    @Test
    void theSessionShowsTheCredentialsItHandedOut() {
        CliWorld.Result shown = world.sentinel("server-session", session.value());
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains("\"credentials\":[{\"decision_id\":\""
                        + stamps.get(0).requestId().value()
                        + "\",\"source_identity\":\"" + stamps.get(0).format() + "\",\"role_arn\":\"" + roleArn
                        + "\",\"expires_at\":\"2026-11-22T10:05:00Z\"},");
    }

    @Test
    void theFormsThatMakeNoSenseAreUsageErrors() {
        assertThat(world.sentinel("server-revoke", "--cleanup", session.value()).exit())
                .isEqualTo(2);
        assertThat(world.sentinel("server-revoke", session.value(), "--reason", "x")
                        .exit())
                .isEqualTo(2);
        CliWorld.Result stray = world.sentinel(
                "server-revoke", session.value(), "--reason", "x", "--profile", admin, "--aws-profile", admin);
        assertThat(stray.exit()).isEqualTo(2);
        assertThat(stray.err()).contains("--aws-profile is used only with --now or --cleanup");
        assertThat(store.get(session).orElseThrow().status()).isEqualTo(ServerSession.Status.ACTIVE);
    }
}
