package dev.sentinel.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCategory;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateTest {
    private static final ProfileName PROD = new ProfileName("prod");
    private static final CallerIdentity ALICE = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice");
    private static final RequestId ID = new RequestId("abcdefghij");

    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<IssueRequest> issued = new ArrayList<>();
    private final List<ProfileName> discarded = new ArrayList<>();
    private IdentityResolver identities = profile -> ALICE;
    private String policyText =
            "version: \"1\"\nrules:\n  - name: allow-all\n    effect: allow\n    max_duration: 30m\n";
    private PolicySource policies = profile -> LoadedPolicy.parse("test.yaml", policyText);
    private RuntimeException issuerFailure;
    private final CredentialIssuer issuer = new CredentialIssuer() {
        @Override
        public IssuedCredentials issue(IssueRequest request) {
            if (issuerFailure != null) {
                throw issuerFailure;
            }
            issued.add(request);
            return new IssuedCredentials(
                    new AwsCredentials("ASIAX", "secret-value", "token-value", Instant.parse("2026-11-22T11:00:00Z")),
                    request.sourceIdentity(),
                    "arn:aws:iam::123456789012:role/prod",
                    false);
        }

        @Override
        public void discard(ProfileName profile, CallerIdentity caller) {
            discarded.add(profile);
        }
    };

    private Outcome request(Mode mode) {
        Gate gate = new Gate(
                identities,
                policies,
                issuer,
                audit,
                Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
                () -> ID);
        return gate.request(new AccessRequest(PROD, mode, null));
    }

    private Outcome.Refused refused(Mode mode) {
        Outcome outcome = request(mode);
        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(issued).isEmpty();
        assertThat(audit.entries)
                .singleElement()
                .extracting(DecisionEntry::outcome)
                .isEqualTo(DecisionEntry.REFUSED);
        return (Outcome.Refused) outcome;
    }

    @Test
    void allowIssuesStampedCredentialsAndLogsThem() {
        Outcome outcome = request(Mode.CREDENTIAL_PROCESS);

        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        IssueRequest sent = issued.get(0);
        assertThat(sent.sourceIdentity().user()).isEqualTo("alice");
        assertThat(sent.sourceIdentity().grant()).isEqualTo(Grant.DIRECT);
        assertThat(sent.sourceIdentity().requestId()).isEqualTo(ID);
        assertThat(sent.maxDuration()).isEqualTo(Duration.ofMinutes(30));
        DecisionEntry entry = audit.entries.get(0);
        assertThat(entry.outcome()).isEqualTo(DecisionEntry.ISSUED);
        assertThat(entry.sourceIdentity()).isEqualTo("sentinel.alice.d.abcdefghij");
        assertThat(entry.rule()).isEqualTo("allow-all");
        assertThat(entry.policySha256()).isEqualTo(LoadedPolicy.sha256Hex(policyText));
        assertThat(entry.toJson()).doesNotContain("secret-value").doesNotContain("token-value");
    }

    @Test
    void denyRefusesAndDropsCachedCredentials() {
        policyText = "version: \"1\"\nrules:\n  - name: closed\n    effect: deny\n    reason: maintenance\n";
        Outcome.Refused refusal = refused(Mode.CREDENTIAL_PROCESS);
        assertThat(refusal.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(refusal.message()).contains("closed", "maintenance");
        assertThat(refusal.decisionId()).isEqualTo(ID);
        assertThat(discarded).containsExactly(PROD);
        assertThat(audit.entries.get(0).code()).isEqualTo("POLICY_DENIED");
    }

    @Test
    void noMatchIsItsOwnRefusal() {
        policyText = "version: \"1\"\nrules:\n  - name: dev\n    effect: allow\n    conditions: {profiles: [dev]}\n";
        assertThat(refused(Mode.CLI).code()).isEqualTo(ErrorCode.POLICY_NO_MATCH);
        assertThat(audit.entries.get(0).ruleIndex()).isEqualTo(-1);
    }

    @Test
    void requireApprovalRefusesWithTheApprovalExitCode() {
        policyText = "version: \"1\"\nrules:\n  - name: ask\n    effect: require_approval\n";
        Outcome.Refused refusal = refused(Mode.CREDENTIAL_PROCESS);
        assertThat(refusal.code()).isEqualTo(ErrorCode.APPROVAL_REQUIRED);
        assertThat(refusal.code().exitCode()).isEqualTo(4);
    }

    @Test
    void requireServerIssuesOnlyInServerMode() {
        policyText = "version: \"1\"\nrules:\n  - name: srv\n    effect: require_server\n";
        assertThat(refused(Mode.CLI).code()).isEqualTo(ErrorCode.SERVER_MODE_REQUIRED);
        audit.entries.clear();
        assertThat(request(Mode.SERVER)).isInstanceOf(Outcome.Issued.class);
    }

    @Test
    void requireServerSessionIsRefusedWithoutSessionTracking() {
        policyText = "version: \"1\"\nrules:\n  - name: srv\n    effect: require_server_session\n";
        assertThat(refused(Mode.SERVER).code()).isEqualTo(ErrorCode.SERVER_MODE_REQUIRED);
    }

    @Test
    void refusesWhenTheCallerCannotBeIdentified() {
        identities = profile -> {
            throw new SentinelException(ErrorCode.AWS_UNREACHABLE, "STS down", "check network");
        };
        Outcome.Refused refusal = refused(Mode.CREDENTIAL_PROCESS);
        assertThat(refusal.code()).isEqualTo(ErrorCode.AWS_UNREACHABLE);
        assertThat(refusal.caller()).isNull();
        assertThat(audit.entries.get(0).user()).isNull();
    }

    @Test
    void refusesWhenThePolicyCannotBeLoaded() {
        policyText = "version: \"1\"\nrules:\n  - name: x\n    effect: Allow\n";
        Outcome.Refused refusal = refused(Mode.CREDENTIAL_PROCESS);
        assertThat(refusal.code()).isEqualTo(ErrorCode.POLICY_INVALID);
        assertThat(audit.entries.get(0).user()).isEqualTo("alice");
    }

    @Test
    void refusesWhenTheIssuerFails() {
        issuerFailure = new SentinelException(ErrorCode.AWS_ACCESS_DENIED, "no SetSourceIdentity", "fix trust policy");
        assertThat(refused(Mode.CREDENTIAL_PROCESS).code()).isEqualTo(ErrorCode.AWS_ACCESS_DENIED);
    }

    @Test
    void returnsNoCredentialsWhenTheDecisionCannotBeLogged() {
        audit.failWith = new SentinelException(ErrorCode.AUDIT_LOG_UNAVAILABLE, "disk full", "free space");
        Outcome outcome = request(Mode.CREDENTIAL_PROCESS);
        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) outcome).code()).isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
    }

    @Test
    void anUnexpectedFailureIsAnInternalRefusal() {
        policies = profile -> {
            throw new IllegalStateException("bug");
        };
        assertThat(refused(Mode.CREDENTIAL_PROCESS).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    /** Sessions for the gate: one active session; {@code revokeBeforeRecord} revokes it between touch and record. */
    private static final class OneSession implements SessionStore {
        final RequestId session;
        final List<RequestId> touched = new ArrayList<>();
        final List<Issuance> recorded = new ArrayList<>();
        boolean revokeBeforeRecord;

        OneSession(RequestId session) {
            this.session = session;
        }

        @Override
        public void create(ServerSession s) {}

        @Override
        public Optional<ServerSession> get(RequestId id) {
            return Optional.empty();
        }

        @Override
        public ServerSession touch(RequestId id, Instant now) {
            touched.add(id);
            if (!id.equals(session)) {
                throw new SentinelException(ErrorCode.SESSION_REVOKED, "revoked", "");
            }
            return null;
        }

        @Override
        public void recordIssuance(RequestId id, Issuance issuance, Instant now) {
            if (revokeBeforeRecord) {
                throw new SentinelException(ErrorCode.SESSION_REVOKED, "Server session " + id + " was revoked", "");
            }
            recorded.add(issuance);
        }

        @Override
        public ServerSession revoke(RequestId id, String by, String reason, Instant now) {
            return null;
        }

        @Override
        public void end(RequestId id, Instant now) {}

        @Override
        public List<ServerSession> list(ServerSession.Status status, int limit) {
            return List.of();
        }
    }

    private Gate sessionGate(SessionStore store) {
        return new Gate(
                identities,
                policies,
                issuer,
                audit,
                Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
                () -> ID,
                store);
    }

    @Test
    void requireServerSessionIssuesOnlyWithinATrackedSession() {
        policyText = "version: \"1\"\nrules:\n  - name: tracked\n    effect: require_server_session\n";
        RequestId session = new RequestId("sessionaaa");
        OneSession store = new OneSession(session);
        Gate gate = sessionGate(store);
        assertThat(gate.request(AccessRequest.inSession(PROD, session))).isInstanceOf(Outcome.Issued.class);
        assertThat(issued.get(0).maxDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(audit.entries.get(0).session()).isEqualTo("sessionaaa");

        Outcome revoked = gate.request(AccessRequest.inSession(PROD, new RequestId("otherbbbbb")));
        assertThat(revoked).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) revoked).code()).isEqualTo(ErrorCode.SESSION_REVOKED);
        assertThat(store.touched).hasSize(2);

        Outcome untracked = gate.request(new AccessRequest(PROD, Mode.SERVER, null));
        assertThat(((Outcome.Refused) untracked).code()).isEqualTo(ErrorCode.SERVER_MODE_REQUIRED);
        assertThat(issued).hasSize(1);
    }

    @Test
    void theSessionRecordsWhatItWasIssuedSoARevocationCanDenyIt() {
        RequestId session = new RequestId("sessionaaa");
        OneSession store = new OneSession(session);

        Outcome outcome = sessionGate(store).request(AccessRequest.inSession(PROD, session));

        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        assertThat(store.recorded)
                .containsExactly(new Issuance(
                        ID,
                        SourceIdentity.of("alice", Grant.DIRECT, ID),
                        "arn:aws:iam::123456789012:role/prod",
                        Instant.parse("2026-11-22T11:00:00Z")));
    }

    @Test
    void credentialsTheSessionCouldNotRecordAreNeverHandedOut() {
        RequestId session = new RequestId("sessionaaa");
        OneSession store = new OneSession(session);
        store.revokeBeforeRecord = true;

        Outcome outcome = sessionGate(store).request(AccessRequest.inSession(PROD, session));

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) outcome).code()).isEqualTo(ErrorCode.SESSION_REVOKED);
        assertThat(discarded).containsExactly(PROD);
        assertThat(audit.entries).singleElement().satisfies(entry -> {
            assertThat(entry.outcome()).isEqualTo(DecisionEntry.REFUSED);
            assertThat(entry.code()).isEqualTo("SESSION_REVOKED");
            assertThat(entry.sourceIdentity()).isNull();
        });
    }

    @Test
    void credentialsOutsideASessionAreNotRecorded() {
        OneSession store = new OneSession(new RequestId("sessionaaa"));
        Outcome outcome = sessionGate(store).request(new AccessRequest(PROD, Mode.SERVER, null));
        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        assertThat(store.recorded).isEmpty();
    }

    @Test
    void aSessionWithoutAStoreFailsClosed() {
        Outcome outcome = request(Mode.SERVER);
        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        Gate gate = new Gate(identities, policies, issuer, audit, Clock.systemUTC(), () -> ID);
        Outcome tracked = gate.request(AccessRequest.inSession(PROD, new RequestId("sessionaaa")));
        assertThat(((Outcome.Refused) tracked).code()).isEqualTo(ErrorCode.SESSION_STORE_UNAVAILABLE);
    }

    @Test
    void exitCodesFollowTheDocumentedTable() {
        assertThat(ErrorCategory.INTERNAL.exitCode()).isEqualTo(1);
        assertThat(ErrorCategory.USAGE.exitCode()).isEqualTo(2);
        assertThat(ErrorCategory.DENIED.exitCode()).isEqualTo(3);
        assertThat(ErrorCategory.APPROVAL.exitCode()).isEqualTo(4);
        assertThat(ErrorCategory.CONFIGURATION.exitCode()).isEqualTo(5);
        assertThat(ErrorCategory.AWS.exitCode()).isEqualTo(6);
    }
}
