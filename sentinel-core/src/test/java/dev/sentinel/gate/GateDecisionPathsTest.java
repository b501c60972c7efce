package dev.sentinel.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.Effect;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.RecordingAuditSink;
import dev.sentinel.testing.RecordingCredentialIssuer;
import dev.sentinel.testing.StaticPolicySource;
import dev.sentinel.testing.StubIdentityResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GateDecisionPathsTest {
    private static final Instant NOW = Instant.parse("2024-01-03T12:00:00Z");
    private static final RequestId DECISION_ID = new RequestId("k3v7q2m6xa");
    private static final String ALICE_ARN = "arn:aws:iam::123456789012:user/alice";

    private static final String POLICY =
            """
            version: "1"
            rules:
              - name: frozen
                effect: deny
                reason: Production is frozen for the release
                conditions:
                  profiles: [frozen]
              - name: prod-needs-approval
                effect: require_approval
                conditions:
                  profiles: [prod]
              - name: tvm-only
                effect: require_server
                max_duration: 30m
                conditions:
                  profiles: [tvm]
              - name: tracked-sessions
                effect: require_server_session
                conditions:
                  profiles: [tracked]
              - name: managed-devices
                effect: allow
                conditions:
                  profiles: [secure]
                  device:
                    require_encryption: true
              - name: office-hours
                effect: allow
                conditions:
                  profiles: [daytime]
                  time:
                    hours: {start: "09:00", end: "17:00"}
              - name: dev
                effect: allow
                max_duration: 1h
                conditions:
                  profiles: [dev]
                  users: [alice]
            """;

    private StubIdentityResolver identities = StubIdentityResolver.iamUser("alice");
    private StaticPolicySource policies = StaticPolicySource.of(POLICY);
    private RecordingCredentialIssuer issuer = RecordingCredentialIssuer.issuing();
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private Supplier<RequestId> ids = () -> DECISION_ID;

    @Test
    void issuesWhenPolicyAllows() {
        Outcome outcome = request("dev", Mode.CLI);

        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        Outcome.Issued issued = (Outcome.Issued) outcome;
        assertThat(issued.decisionId()).isEqualTo(DECISION_ID);
        assertThat(issued.caller().user()).isEqualTo("alice");
        assertThat(issued.decision().effect()).isEqualTo(Effect.ALLOW);
        assertThat(issued.decision().ruleName()).isEqualTo("dev");
        assertThat(issued.credentials().credentials().secretAccessKey())
                .isEqualTo(RecordingCredentialIssuer.SECRET_ACCESS_KEY);
        assertThat(issuer.discarded()).isEmpty();
    }

    @Test
    void asksIssuerForStampedCredentialsCappedByTheRule() {
        request("dev", Mode.CREDENTIAL_PROCESS);

        IssueRequest issueRequest = onlyIssueRequest();
        assertThat(issueRequest.profile()).isEqualTo(new ProfileName("dev"));
        assertThat(issueRequest.caller().arn()).isEqualTo(ALICE_ARN);
        assertThat(issueRequest.sourceIdentity()).isEqualTo(new SourceIdentity("alice", Grant.DIRECT, DECISION_ID));
        assertThat(issueRequest.sourceIdentity().format()).isEqualTo("sentinel.alice.d.k3v7q2m6xa");
        assertThat(issueRequest.maxDuration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void recordsTheIssueWithoutSecrets() {
        request("dev", Mode.CLI);

        DecisionEntry entry = onlyEntry();
        assertThat(entry.time()).isEqualTo(NOW);
        assertThat(entry.decisionId()).isEqualTo(DECISION_ID.value());
        assertThat(entry.outcome()).isEqualTo(DecisionEntry.ISSUED);
        assertThat(entry.profile()).isEqualTo("dev");
        assertThat(entry.mode()).isEqualTo("cli");
        assertThat(entry.user()).isEqualTo("alice");
        assertThat(entry.principalArn()).isEqualTo(ALICE_ARN);
        assertThat(entry.effect()).isEqualTo("allow");
        assertThat(entry.rule()).isEqualTo("dev");
        assertThat(entry.ruleIndex()).isEqualTo(6);
        assertThat(entry.code()).isNull();
        assertThat(entry.sourceIdentity()).isEqualTo("sentinel.alice.d.k3v7q2m6xa");
        assertThat(entry.roleArn()).isEqualTo(RecordingCredentialIssuer.ROLE_ARN);
        assertThat(entry.expiration()).isEqualTo(RecordingCredentialIssuer.EXPIRATION);
        assertThat(entry.cached()).isFalse();
        assertThat(entry.policySource()).isEqualTo(StaticPolicySource.SOURCE);
        assertThat(entry.policySha256()).isEqualTo(LoadedPolicy.sha256Hex(POLICY));
        assertThat(entry.toJson())
                .doesNotContain(
                        RecordingCredentialIssuer.ACCESS_KEY_ID,
                        RecordingCredentialIssuer.SECRET_ACCESS_KEY,
                        RecordingCredentialIssuer.SESSION_TOKEN);
    }

    @Test
    void refusesWhenPolicyDenies() {
        Outcome.Refused refused = refused(request("frozen", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(refused.code().exitCode()).isEqualTo(3);
        assertThat(refused.message()).contains("frozen").contains("Production is frozen for the release");
        assertThat(refused.hint()).isNotBlank();
        assertThat(refused.decision().ruleName()).isEqualTo("frozen");
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.discarded())
                .containsExactly(new RecordingCredentialIssuer.Discard(
                        new ProfileName("frozen"), CallerIdentity.fromArn(ALICE_ARN)));
        assertRecordedRefusal(ErrorCode.POLICY_DENIED, "deny", "frozen");
        assertThat(onlyEntry().reason()).isEqualTo("Production is frozen for the release");
    }

    @Test
    void refusesWhenNoRuleMatches() {
        identities = StubIdentityResolver.iamUser("bob");

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.POLICY_NO_MATCH);
        assertThat(refused.code().exitCode()).isEqualTo(3);
        assertThat(refused.message()).contains("'bob'").contains("'dev'");
        assertThat(refused.hint()).contains("sentinel policy explain");
        assertThat(refused.decision().matched()).isFalse();
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.discarded()).hasSize(1);
        assertRecordedRefusal(ErrorCode.POLICY_NO_MATCH, "deny", null);
        assertThat(onlyEntry().ruleIndex()).isEqualTo(-1);
    }

    @Test
    void refusesWhenApprovalIsRequired() {
        Outcome.Refused refused = refused(request("prod", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.APPROVAL_REQUIRED);
        assertThat(refused.code().exitCode()).isEqualTo(4);
        assertThat(refused.message()).contains("prod-needs-approval");
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.discarded()).hasSize(1);
        assertRecordedRefusal(ErrorCode.APPROVAL_REQUIRED, "require_approval", "prod-needs-approval");
    }

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"CLI", "CREDENTIAL_PROCESS"})
    void refusesServerOnlyProfileOutsideServerMode(Mode mode) {
        Outcome.Refused refused = refused(request("tvm", mode));

        assertThat(refused.code()).isEqualTo(ErrorCode.SERVER_MODE_REQUIRED);
        assertThat(refused.message()).contains("tvm-only").contains(mode.yamlName());
        assertThat(refused.hint()).contains("--server");
        assertThat(issuer.issued()).isEmpty();
        assertRecordedRefusal(ErrorCode.SERVER_MODE_REQUIRED, "require_server", "tvm-only");
    }

    @Test
    void issuesServerOnlyProfileInServerModeWithShortServerLifetime() {
        Outcome outcome = request("tvm", Mode.SERVER);

        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        assertThat(onlyIssueRequest().maxDuration()).isEqualTo(Gate.DEFAULT_SERVER_DURATION);
        assertThat(onlyEntry().outcome()).isEqualTo(DecisionEntry.ISSUED);
        assertThat(onlyEntry().effect()).isEqualTo("require_server");
    }

    @Test
    void lifetimeInServerModeIsCappedByBothDurations() {
        policies = StaticPolicySource.of(
                """
                version: "1"
                rules:
                  - name: capped
                    effect: allow
                    max_duration: 2h
                    max_server_duration: 15m
                    conditions:
                      profiles: [dev]
                  - name: server-cap-only
                    effect: allow
                    max_server_duration: 1h
                    conditions:
                      profiles: [build]
                  - name: uncapped
                    effect: allow
                    conditions:
                      profiles: [open]
                """);

        request("dev", Mode.SERVER);
        request("dev", Mode.CLI);
        request("build", Mode.SERVER);
        request("build", Mode.CREDENTIAL_PROCESS);
        request("open", Mode.SERVER);
        request("open", Mode.CLI);

        assertThat(issuer.issued())
                .extracting(IssueRequest::maxDuration)
                .containsExactly(
                        Duration.ofMinutes(15),
                        Duration.ofHours(2),
                        Duration.ofHours(1),
                        null,
                        Gate.DEFAULT_SERVER_DURATION,
                        null);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void refusesProfileThatNeedsServerSessionTracking(Mode mode) {
        Outcome.Refused refused = refused(request("tracked", mode));

        assertThat(refused.code()).isEqualTo(ErrorCode.SERVER_MODE_REQUIRED);
        assertThat(refused.message()).contains("tracked-sessions");
        assertThat(issuer.issued()).isEmpty();
        assertRecordedRefusal(ErrorCode.SERVER_MODE_REQUIRED, "require_server_session", "tracked-sessions");
    }

    @Test
    void evaluatesDevicePostureOfTheRequest() {
        DevicePosture encrypted = new DevicePosture(true, null, null, null, "darwin", "14.2");
        DevicePosture unencrypted = new DevicePosture(false, null, null, null, "darwin", "14.2");
        Gate gate = gate();

        assertThat(gate.request(new AccessRequest(new ProfileName("secure"), Mode.CLI, encrypted)))
                .isInstanceOf(Outcome.Issued.class);
        assertThat(refused(gate.request(new AccessRequest(new ProfileName("secure"), Mode.CLI, unencrypted)))
                        .code())
                .isEqualTo(ErrorCode.POLICY_NO_MATCH);
        assertThat(refused(gate.request(new AccessRequest(new ProfileName("secure"), Mode.CLI, null)))
                        .code())
                .isEqualTo(ErrorCode.POLICY_NO_MATCH);
    }

    @Test
    void evaluatesPolicyAtTheClocksTime() {
        clock = Clock.fixed(Instant.parse("2024-01-03T10:00:00Z"), ZoneOffset.UTC);
        assertThat(request("daytime", Mode.CLI)).isInstanceOf(Outcome.Issued.class);

        clock = Clock.fixed(Instant.parse("2024-01-03T20:00:00Z"), ZoneOffset.UTC);
        assertThat(refused(request("daytime", Mode.CLI)).code()).isEqualTo(ErrorCode.POLICY_NO_MATCH);
    }

    @Test
    void refusesWhenIdentityCannotBeResolved() {
        identities = StubIdentityResolver.failingWith(
                new SentinelException(ErrorCode.AWS_UNREACHABLE, "STS could not be reached.", "Check your network."));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.AWS_UNREACHABLE);
        assertThat(refused.message()).isEqualTo("STS could not be reached.");
        assertThat(refused.hint()).isEqualTo("Check your network.");
        assertThat(refused.caller()).isNull();
        assertThat(refused.decision()).isNull();
        assertThat(policies.loaded()).isEmpty();
        assertThat(issuer.issued()).isEmpty();
        DecisionEntry entry = assertRecordedRefusal(ErrorCode.AWS_UNREACHABLE, null, null);
        assertThat(entry.user()).isNull();
        assertThat(entry.policySource()).isNull();
    }

    @Test
    void refusesWhenPolicyCannotBeLoaded() {
        policies = StaticPolicySource.failingWith(
                new SentinelException(ErrorCode.POLICY_NOT_FOUND, "No policy for profile 'dev'.", "Create one."));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.POLICY_NOT_FOUND);
        assertThat(refused.caller().user()).isEqualTo("alice");
        assertThat(issuer.issued()).isEmpty();
        DecisionEntry entry = assertRecordedRefusal(ErrorCode.POLICY_NOT_FOUND, null, null);
        assertThat(entry.user()).isEqualTo("alice");
        assertThat(entry.reason()).isEqualTo("No policy for profile 'dev'.");
    }

    @Test
    void refusesWhenPolicyIsInvalid() {
        policies = StaticPolicySource.of(POLICY.replace("effect: allow", "effect: Allow"));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.POLICY_INVALID);
        assertThat(refused.code().exitCode()).isEqualTo(5);
        assertThat(refused.message()).contains("did you mean 'allow'?");
        assertThat(issuer.issued()).isEmpty();
        assertRecordedRefusal(ErrorCode.POLICY_INVALID, null, null);
    }

    @Test
    void refusesWhenIssuerFails() {
        issuer = RecordingCredentialIssuer.failingWith(new SentinelException(
                ErrorCode.AWS_ACCESS_DENIED, "AssumeRole was denied.", "Check the trust policy."));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.AWS_ACCESS_DENIED);
        assertThat(refused.code().exitCode()).isEqualTo(6);
        assertThat(refused.message()).isEqualTo("AssumeRole was denied.");
        assertThat(issuer.issued()).hasSize(1);
        assertRecordedRefusal(ErrorCode.AWS_ACCESS_DENIED, "allow", "dev");
    }

    @Test
    void returnsNoCredentialsWhenTheIssueCannotBeRecorded() {
        audit.failWhen =
                entry -> entry instanceof DecisionEntry d && d.outcome().equals(DecisionEntry.ISSUED);
        audit.failWith = new SentinelException(
                ErrorCode.AUDIT_LOG_UNAVAILABLE, "The decision log is not writable.", "Fix permissions.");

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
        assertThat(refused.message())
                .contains("The decision log is not writable.")
                .doesNotContain(RecordingCredentialIssuer.SECRET_ACCESS_KEY, RecordingCredentialIssuer.SESSION_TOKEN);
        assertRecordedRefusal(ErrorCode.AUDIT_LOG_UNAVAILABLE, "allow", "dev");
        assertThat(issuer.discarded())
                .as("credentials no line records are not kept for reuse")
                .hasSize(1);
    }

    @Test
    void refusesAndSaysSoWhenNothingCanBeRecorded() {
        audit.failWith =
                new SentinelException(ErrorCode.AUDIT_LOG_UNAVAILABLE, "The disk is full.", "Free some space.");

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
        assertThat(refused.message()).contains("could not be logged");
        assertThat(audit.entries).isEmpty();
        assertThat(audit.attempted)
                .extracting(DecisionEntry::outcome)
                .containsExactly(DecisionEntry.ISSUED, DecisionEntry.REFUSED);
    }

    @Test
    void refusalStandsWhenItCannotBeRecorded() {
        audit.failWith = new IllegalStateException("sink closed");

        Outcome.Refused refused = refused(request("frozen", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(refused.message()).contains("could not be logged: sink closed");
        assertThat(issuer.issued()).isEmpty();
    }

    @Test
    void unexpectedFailureIsAnInternalErrorRefusal() {
        identities = StubIdentityResolver.failingWith(new IllegalStateException("bug in resolver"));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(refused.code().exitCode()).isEqualTo(1);
        assertThat(refused.hint()).contains(DECISION_ID.value());
        assertThat(issuer.issued()).isEmpty();
        assertThat(assertRecordedRefusal(ErrorCode.INTERNAL_ERROR, null, null).reason())
                .isEqualTo(refused.message());
    }

    @Test
    void unexpectedFailureWhileIssuingReturnsNoCredentials() {
        issuer = RecordingCredentialIssuer.failingWith(new NullPointerException("no region"));

        Outcome.Refused refused = refused(request("dev", Mode.CLI));

        assertThat(refused.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(refused.decision().effect()).isEqualTo(Effect.ALLOW);
        assertRecordedRefusal(ErrorCode.INTERNAL_ERROR, "allow", "dev");
    }

    @Test
    void everyRequestGetsItsOwnDecisionId() {
        ids = RequestId::random;
        Gate gate = gate();
        Set<RequestId> seen = new HashSet<>();

        for (int i = 0; i < 20; i++) {
            seen.add(gate.request(new AccessRequest(new ProfileName(i % 2 == 0 ? "dev" : "frozen"), Mode.CLI, null))
                    .decisionId());
        }

        assertThat(seen).hasSize(20);
        assertThat(audit.entries)
                .extracting(DecisionEntry::decisionId)
                .containsExactlyInAnyOrderElementsOf(
                        seen.stream().map(RequestId::value).toList());
        assertThat(issuer.issued())
                .extracting(r -> r.sourceIdentity().requestId())
                .allSatisfy(id -> assertThat(seen).contains(id));
    }

    @Test
    void reloadsPolicyForEveryRequest() {
        Gate gate = gate();

        gate.request(new AccessRequest(new ProfileName("dev"), Mode.CLI, null));
        gate.request(new AccessRequest(new ProfileName("dev"), Mode.CLI, null));

        assertThat(policies.loaded()).hasSize(2);
        assertThat(identities.asked()).containsExactly(new ProfileName("dev"), new ProfileName("dev"));
    }

    private Gate gate() {
        return new Gate(identities, policies, issuer, audit, clock, ids);
    }

    private Outcome request(String profile, Mode mode) {
        return gate().request(new AccessRequest(new ProfileName(profile), mode, null));
    }

    private static Outcome.Refused refused(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        Outcome.Refused refused = (Outcome.Refused) outcome;
        assertThat(refused.decisionId()).isNotNull();
        return refused;
    }

    private DecisionEntry onlyEntry() {
        assertThat(audit.entries).hasSize(1);
        return audit.entries.get(0);
    }

    private IssueRequest onlyIssueRequest() {
        assertThat(issuer.issued()).hasSize(1);
        return issuer.issued().get(0);
    }

    private DecisionEntry assertRecordedRefusal(ErrorCode code, String effect, String rule) {
        DecisionEntry entry = onlyEntry();
        assertThat(entry.outcome()).isEqualTo(DecisionEntry.REFUSED);
        assertThat(entry.code()).isEqualTo(code.name());
        assertThat(entry.effect()).isEqualTo(effect);
        assertThat(entry.rule()).isEqualTo(rule);
        assertThat(entry.sourceIdentity()).isNull();
        assertThat(entry.expiration()).isNull();
        assertThat(entry.reason()).isNotBlank();
        return entry;
    }
}
