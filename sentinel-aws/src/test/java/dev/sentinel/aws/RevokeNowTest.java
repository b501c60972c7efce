package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionRevocation;
import dev.sentinel.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;

/** {@code server-revoke --now} in team mode: sessions in DynamoDB and denies in IAM, both in the emulator. */
class RevokeNowTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static MotoServer moto;

    private final MutableClock clock = new MutableClock(T0);
    private IamClient iam;
    private DynamoDbSessionStore sessions;
    private SessionRevocation revocation;
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

    @BeforeEach
    void seed() {
        String table = "sessions-" + RequestId.random().value();
        DynamoDbClient dynamo = DynamoDbSessionStoreTest.client(moto.endpoint());
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
        sessions = new DynamoDbSessionStore(dynamo, table);
        revocation = new SessionRevocation(sessions, clock);
        iam = IamSourceIdentityRevokerTest.client(moto.endpoint());
        role = "protected-" + RequestId.random().value();
        roleArn = IamSourceIdentityRevokerTest.createRole(iam, role);
    }

    private RequestId session(int credentials) {
        RequestId id = RequestId.random();
        sessions.create(new ServerSession(
                id,
                "prod",
                "alice",
                ServerSession.Status.ACTIVE,
                T0,
                T0,
                T0.plus(Duration.ofHours(12)),
                0,
                null,
                null));
        for (int i = 0; i < credentials; i++) {
            RequestId decision = RequestId.random();
            sessions.recordIssuance(
                    id,
                    new Issuance(
                            decision,
                            SourceIdentity.of("alice", Grant.DIRECT, decision),
                            roleArn,
                            T0.plus(Duration.ofMinutes(10 + i))),
                    T0.plusSeconds(i));
        }
        return id;
    }

    private List<String> policies() {
        return iam.listRolePolicies(b -> b.roleName(role)).policyNames();
    }

    @Test
    void whenIamIsUnreachableTheStoreRevocationStandsAndTheReportSaysWhatWasNotEnded() {
        RequestId id = session(2);
        IamSourceIdentityRevoker down = new IamSourceIdentityRevoker(
                IamSourceIdentityRevokerTest.client(URI.create("http://127.0.0.1:" + MotoServer.freePort())),
                "the IAM endpoint");

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "laptop stolen", () -> down);

        assertThat(sessions.get(id).orElseThrow().status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.roleArn()).isEqualTo(roleArn);
            assertThat(failure.stamps()).hasSize(2);
            assertThat(failure.validUntil()).isEqualTo(T0.plus(Duration.ofMinutes(11)));
            assertThat(failure.error().code()).isEqualTo(ErrorCode.AWS_UNREACHABLE);
        });
        assertThat(report.cleanupProblems()).isEmpty();
        assertThat(policies()).isEmpty();

        SessionRevocation.Report retried =
                revocation.revokeNow(id, "bob", "laptop stolen", () -> new IamSourceIdentityRevoker(iam, "moto"));
        assertThat(retried.prior()).isEqualTo(SessionRevocation.Prior.REVOKED);
        assertThat(retried.failures()).isEmpty();
        assertThat(policies()).containsExactly(IamSourceIdentityRevoker.policyName(id));
    }

    @Test
    void deniesTheSessionsCredentialsAndCleanupRemovesTheDenyOnceTheyHaveExpired() {
        RequestId first = session(2);
        RequestId second = session(1);
        IamSourceIdentityRevoker revoker = new IamSourceIdentityRevoker(iam, "moto");

        SessionRevocation.Report report = revocation.revokeNow(first, "bob", "stolen", () -> revoker);
        revocation.revokeNow(second, "bob", "stolen", () -> revoker);

        assertThat(report.roles()).singleElement().isInstanceOfSatisfying(SessionRevocation.Denied.class, denied -> {
            assertThat(denied.until()).isEqualTo(Instant.parse("2026-11-22T10:16:01Z"));
            assertThat(denied.stamps())
                    .containsExactlyInAnyOrderElementsOf(sessions.get(first).orElseThrow().issuances().stream()
                            .map(Issuance::sourceIdentity)
                            .toList());
        });
        assertThat(policies())
                .containsExactlyInAnyOrder(
                        IamSourceIdentityRevoker.policyName(first), IamSourceIdentityRevoker.policyName(second));

        clock.set(Instant.parse("2026-11-22T10:15:01Z"));
        assertThat(revocation.cleanup(revoker)).singleElement().satisfies(c -> assertThat(
                        c.removal().removed())
                .containsExactly(IamSourceIdentityRevoker.policyName(second)));
        clock.set(Instant.parse("2026-11-22T10:16:01Z"));
        assertThat(revocation.cleanup(revoker)).singleElement().satisfies(c -> assertThat(
                        c.removal().removed())
                .containsExactly(IamSourceIdentityRevoker.policyName(first)));
        assertThat(policies()).isEmpty();
    }
}
