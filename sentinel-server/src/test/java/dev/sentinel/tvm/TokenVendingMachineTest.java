package dev.sentinel.tvm;

import static dev.sentinel.tvm.TvmWorld.ALICE;
import static dev.sentinel.tvm.TvmWorld.BOB;
import static dev.sentinel.tvm.TvmWorld.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.ratelimit.InMemoryRateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.testing.RecordingCredentialIssuer;
import dev.sentinel.testing.StaticPolicySource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenVendingMachineTest {
    private final TvmWorld world = new TvmWorld();

    /** An error answer: exactly {code, message}, with none of the server's internals in it. */
    private static void refusal(TvmResponse response, int status, ErrorCode code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(json(response)).containsOnlyKeys("code", "message").containsEntry("code", code.name());
        assertThat(response.body())
                .doesNotContain(
                        TvmWorld.ROLE_PREFIX,
                        "Exception",
                        "at dev.sentinel",
                        RecordingCredentialIssuer.SECRET_ACCESS_KEY);
    }

    @Test
    void anAllowedCallerGetsContainerCredentialsStampedWithTheirName() {
        TvmResponse response = world.credentials("dev-role", ALICE);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("Cache-Control", "no-store");
        assertThat(json(response))
                .containsOnlyKeys("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
                .containsEntry("AccessKeyId", RecordingCredentialIssuer.ACCESS_KEY_ID)
                .containsEntry("Expiration", RecordingCredentialIssuer.EXPIRATION.toString());
        assertThat(world.issuer.issued()).singleElement().satisfies(request -> {
            assertThat(request.caller().arn()).isEqualTo(ALICE);
            assertThat(request.sourceIdentity().user()).isEqualTo("alice");
            assertThat(request.maxDuration()).isEqualTo(Duration.ofMinutes(15));
        });
        assertThat(world.audit.entries).singleElement().satisfies(entry -> {
            assertThat(entry.outcome()).isEqualTo(DecisionEntry.ISSUED);
            assertThat(entry.mode()).isEqualTo("server");
            assertThat(entry.principalArn()).isEqualTo(ALICE);
            assertThat(entry.sourceIdentity()).startsWith("sentinel.alice.d.");
        });
    }

    @Test
    void aDeniedCallerLearnsWhyAndTheDecisionIdButGetsNothing() {
        TvmResponse response = world.credentials("prod-role", ALICE);

        refusal(response, 403, ErrorCode.POLICY_DENIED);
        String decision = world.audit.entries.get(0).decisionId();
        assertThat((String) json(response).get("message"))
                .contains("production is closed today", "decision id " + decision);
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void aCallerNoRuleCoversIsRefused() {
        refusal(world.credentials("unmatched-role", ALICE), 403, ErrorCode.POLICY_NO_MATCH);
        refusal(
                world.credentials("dev-role", "arn:aws:iam::123456789012:user/mallory"),
                403,
                ErrorCode.POLICY_NO_MATCH);
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void requireApprovalIsNeverIssuedWithoutAnApproval() {
        TvmResponse response = world.credentials("admin-role", ALICE);

        refusal(response, 403, ErrorCode.APPROVAL_REQUIRED);
        assertThat(world.issuer.issued()).isEmpty();
        assertThat(world.audit.entries).singleElement().satisfies(entry -> {
            assertThat(entry.outcome()).isEqualTo(DecisionEntry.REFUSED);
            assertThat(entry.effect()).isEqualTo("require_approval");
        });
    }

    @Test
    void aRoleArnIsNeverAProfile() {
        refusal(world.credentials(TvmWorld.ROLE_PREFIX + "dev-role", ALICE), 400, ErrorCode.USAGE);
        refusal(world.credentials("arn:aws:iam::123456789012:role/other", ALICE), 400, ErrorCode.USAGE);
        assertThat(world.issuer.issued()).isEmpty();
        assertThat(world.audit.entries).isEmpty();
    }

    @Test
    void anUnregisteredOrMissingProfileIsRefusedBeforeThePolicy() {
        refusal(world.credentials("other-role", ALICE), 404, ErrorCode.PROFILE_NOT_REGISTERED);
        refusal(world.get("/credentials", null, ALICE), 400, ErrorCode.USAGE);
        refusal(world.credentials("bad%20name", ALICE), 400, ErrorCode.USAGE);
        refusal(world.get("/credentials", "profile=dev-role&profile=prod-role", ALICE), 400, ErrorCode.USAGE);
        assertThatThrownBy(() -> TvmWorld.request("GET", "/credentials", "profile=%zz", ALICE, Map.of()))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.USAGE);
        assertThat(world.audit.entries).isEmpty();
    }

    @Test
    void anUnauthenticatedCallerIsRefusedBeforeAnythingElse() {
        refusal(world.credentials("dev-role", null), 401, ErrorCode.UNAUTHENTICATED);
        assertThat(world.audit.entries).isEmpty();
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void unknownPathsAndMethodsAreRefusedWithoutAuthenticating() {
        TvmResponse unknown = world.get("/", null, ALICE);
        TvmResponse method =
                world.tvm().handle(TvmWorld.request("POST", "/credentials", "profile=dev-role", ALICE, Map.of()));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(json(unknown)).containsEntry("code", "NOT_FOUND");
        assertThat(method.status()).isEqualTo(405);
        assertThat(json(method)).containsEntry("code", "METHOD_NOT_ALLOWED");
        assertThat(world.authenticated).isEmpty();
    }

    @Test
    void tooManyRequestsAreRefusedWith429AndRetryAfterAndNeverReachTheGate() {
        world.limiter = new InMemoryRateLimiter(new RequestRate(2, Duration.ofMinutes(1)));
        assertThat(world.credentials("dev-role", ALICE).status()).isEqualTo(200);
        world.clock.advance(Duration.ofSeconds(10));
        assertThat(world.credentials("dev-role", ALICE).status()).isEqualTo(200);
        world.clock.advance(Duration.ofSeconds(5));

        TvmResponse limited = world.credentials("dev-role", ALICE);

        refusal(limited, 429, ErrorCode.RATE_LIMITED);
        assertThat(limited.headers()).containsEntry("Retry-After", "45");
        assertThat(world.audit.entries).hasSize(2);
        assertThat(world.credentials("dev-role", BOB).status())
                .as("another caller")
                .isEqualTo(200);
    }

    @Test
    void aRateLimiterThatCannotCountRefuses() {
        world.limiter = (key, now) -> {
            throw new SentinelException(
                    ErrorCode.STATE_STORE_UNAVAILABLE, "Cannot count requests in table secret-table: boom", "");
        };

        TvmResponse response = world.credentials("dev-role", ALICE);

        refusal(response, 500, ErrorCode.STATE_STORE_UNAVAILABLE);
        assertThat(response.body()).doesNotContain("secret-table", "boom");
        assertThat(world.diagnostics).anySatisfy(line -> assertThat(line).contains("secret-table"));
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void anIssuingFailureAnswersWithoutTheRoleOrAwsMessage() {
        world.issuer = RecordingCredentialIssuer.failingWith(new SentinelException(
                ErrorCode.AWS_ACCESS_DENIED,
                "AWS denied the call to assume role " + TvmWorld.ROLE_PREFIX + "dev-role: not authorized",
                "hint"));

        TvmResponse response = world.credentials("dev-role", ALICE);

        refusal(response, 502, ErrorCode.AWS_ACCESS_DENIED);
        assertThat(response.body()).doesNotContain("not authorized").contains("decision id");
        assertThat(world.diagnostics)
                .anySatisfy(line -> assertThat(line).contains(TvmWorld.ROLE_PREFIX + "dev-role", "not authorized"));
    }

    @Test
    void anInvalidPolicyIssuesNothingAndShowsNoPolicyText() {
        world.policy = StaticPolicySource.of("version: \"1\"\nrules:\n  - name: x\n    effect: Allow\n");

        TvmResponse response = world.credentials("dev-role", ALICE);

        refusal(response, 500, ErrorCode.POLICY_INVALID);
        assertThat(response.body()).doesNotContain(StaticPolicySource.SOURCE, "Allow");
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void anUnexpectedErrorAnswersWithoutItsText() {
        world.registry = () -> {
            throw new IllegalStateException("registry exploded at /etc/secret");
        };

        TvmResponse response = world.credentials("dev-role", ALICE);

        refusal(response, 500, ErrorCode.INTERNAL_ERROR);
        assertThat(response.body()).doesNotContain("exploded", "/etc/secret");
    }

    @Test
    void aRefusalThatCouldNotBeLoggedStillHidesTheLoggingError() {
        world.audit.failWith = new IllegalStateException("disk /var/secret full");

        TvmResponse response = world.credentials("prod-role", ALICE);

        refusal(response, 403, ErrorCode.POLICY_DENIED);
        assertThat(response.body()).contains("production is closed today").doesNotContain("/var/secret");
    }

    private String openSession(String profile, String caller) {
        TvmResponse opened =
                world.tvm().handle(TvmWorld.request("POST", "/sessions", "profile=" + profile, caller, Map.of()));
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        return (String) json(opened).get("session");
    }

    private TvmResponse inSession(String profile, String caller, String session) {
        return world.tvm()
                .handle(TvmWorld.request(
                        "GET",
                        "/credentials",
                        "profile=" + profile,
                        caller,
                        Map.of(TokenVendingMachine.SESSION_HEADER, session)));
    }

    @Test
    void aSessionTracksRefreshesAndItsRevocationRefusesTheNextOne() {
        String id = openSession("tracked-role", ALICE);
        assertThat(world.sessions.get(new RequestId(id))).get().satisfies(s -> {
            assertThat(s.user()).isEqualTo("alice");
            assertThat(s.profile()).isEqualTo("tracked-role");
        });

        assertThat(inSession("tracked-role", ALICE, id).status()).isEqualTo(200);
        assertThat(world.sessions.get(new RequestId(id)).orElseThrow().requestCount())
                .isEqualTo(1);
        refusal(world.credentials("tracked-role", ALICE), 403, ErrorCode.SERVER_MODE_REQUIRED);

        world.sessions.revoke(new RequestId(id), "bob", "laptop stolen", world.clock.instant());
        TvmResponse revoked = inSession("tracked-role", ALICE, id);

        refusal(revoked, 403, ErrorCode.SESSION_REVOKED);
        assertThat(revoked.body()).contains("laptop stolen");
        assertThat(world.issuer.issued()).hasSize(1);
    }

    @Test
    void anotherUsersSessionIsRefusedLikeOneThatDoesNotExist() {
        String id = openSession("tracked-role", ALICE);

        TvmResponse stolen = inSession("tracked-role", BOB, id);
        TvmResponse unknown = inSession("tracked-role", BOB, RequestId.random().value());
        TvmResponse garbage = inSession("tracked-role", BOB, "../../etc");

        refusal(stolen, 403, ErrorCode.SESSION_NOT_FOUND);
        refusal(unknown, 403, ErrorCode.SESSION_NOT_FOUND);
        refusal(garbage, 403, ErrorCode.SESSION_NOT_FOUND);
        assertThat(((String) json(stolen).get("message")).replace(id, "ID"))
                .isEqualTo(((String) json(unknown).get("message")).replaceAll("[a-z2-7]{10}", "ID"));
        assertThat(world.sessions.get(new RequestId(id)).orElseThrow().requestCount())
                .isZero();
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void aSessionBelongsToItsProfile() {
        String id = openSession("dev-role", ALICE);

        refusal(inSession("tracked-role", ALICE, id), 403, ErrorCode.SESSION_NOT_FOUND);
        assertThat(inSession("dev-role", ALICE, id).status()).isEqualTo(200);
    }

    @Test
    void aSessionIsOpenedOnlyWhereThePolicyWouldIssue() {
        TvmResponse denied =
                world.tvm().handle(TvmWorld.request("POST", "/sessions", "profile=prod-role", ALICE, Map.of()));
        TvmResponse approval =
                world.tvm().handle(TvmWorld.request("POST", "/sessions", "profile=admin-role", ALICE, Map.of()));

        refusal(denied, 403, ErrorCode.POLICY_DENIED);
        refusal(approval, 403, ErrorCode.APPROVAL_REQUIRED);
        assertThat(world.sessions.list(null, 10)).isEmpty();
        assertThat(world.issuer.issued()).isEmpty();
    }

    @Test
    void onlyTheOwnerEndsASession() {
        String id = openSession("tracked-role", ALICE);

        refusal(
                world.tvm().handle(TvmWorld.request("DELETE", "/sessions/" + id, null, BOB, Map.of())),
                403,
                ErrorCode.SESSION_NOT_FOUND);
        assertThat(inSession("tracked-role", ALICE, id).status()).isEqualTo(200);

        TvmResponse ended = world.tvm().handle(TvmWorld.request("DELETE", "/sessions/" + id, null, ALICE, Map.of()));
        assertThat(ended.status()).isEqualTo(200);
        world.clock.advance(Duration.ofSeconds(1));
        refusal(inSession("tracked-role", ALICE, id), 403, ErrorCode.SESSION_EXPIRED);
    }

    @Test
    void profilesListsWhatTheCallerCouldBeIssuedNow() {
        TvmResponse response = world.get("/profiles", null, ALICE);

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).get("profiles"))
                .isEqualTo(List.of(
                        Map.of("name", "dev-role", "session_required", false),
                        Map.of("name", "tracked-role", "session_required", true)));
        assertThat(response.body()).doesNotContain(TvmWorld.ROLE_PREFIX);
        assertThat(world.issuer.issued()).isEmpty();
        assertThat(world.audit.entries).hasSize(5).allSatisfy(entry -> assertThat(entry.outcome())
                .isEqualTo(DecisionEntry.DRY_RUN));
    }

    @Test
    void profilesIsEmptyForACallerNoRuleAllows() {
        TvmResponse response = world.get("/profiles", null, "arn:aws:iam::123456789012:user/mallory");

        assertThat(response.body()).isEqualTo("{\"profiles\":[]}");
    }
}
