package dev.sentinel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.session.ServerSession;
import dev.sentinel.testing.MutableClock;
import dev.sentinel.testing.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryCachingCredentialIssuerTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ProfileName PROD = new ProfileName("prod");
    private static final CallerIdentity ALICE = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice");
    private static final String ALLOW = "version: \"1\"\nrules:\n  - name: server\n    effect: require_server\n";

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final MemorySessionStore sessions = new MemorySessionStore();
    private final AtomicReference<String> policy = new AtomicReference<>(ALLOW);
    private final Sts sts = new Sts();
    private final RequestId session = RequestId.random();
    private Gate gate;

    /** Stands in for STS: numbered credentials that live as long as the request allows (1 hour without a cap). */
    private final class Sts implements CredentialIssuer {
        final List<IssueRequest> calls = new ArrayList<>();
        final List<ProfileName> discarded = new ArrayList<>();
        RuntimeException failure;

        @Override
        public IssuedCredentials issue(IssueRequest request) {
            calls.add(request);
            if (failure != null) {
                throw failure;
            }
            Duration life = request.maxDuration() == null ? Duration.ofHours(1) : request.maxDuration();
            return new IssuedCredentials(
                    new AwsCredentials(
                            "ASIA" + calls.size(),
                            "secret",
                            "token",
                            clock.instant().plus(life)),
                    request.sourceIdentity(),
                    "arn:aws:iam::123456789012:role/r",
                    false);
        }

        @Override
        public void discard(ProfileName profile, CallerIdentity caller) {
            discarded.add(profile);
        }
    }

    @BeforeEach
    void wire() {
        gate = new Gate(
                profile -> ALICE,
                profile -> LoadedPolicy.parse("test.yaml", policy.get()),
                new InMemoryCachingCredentialIssuer(sts, Duration.ofMinutes(5), clock),
                audit,
                clock,
                RequestId::random,
                sessions);
        sessions.create(new ServerSession(
                session,
                "prod",
                "alice",
                ServerSession.Status.ACTIVE,
                T0,
                T0,
                T0.plus(Duration.ofHours(12)),
                0,
                null,
                null));
    }

    private Outcome refresh() {
        return gate.request(AccessRequest.inSession(PROD, session));
    }

    private static String keyOf(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Issued.class);
        return ((Outcome.Issued) outcome).credentials().credentials().accessKeyId();
    }

    @Test
    void aRevokedSessionIsRefusedThoughCredentialsAreCached() {
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");
        sessions.revoke(session, "bob", "laptop stolen", clock.instant());
        clock.advance(Duration.ofSeconds(30));

        Outcome outcome = refresh();

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.code())
                .isEqualTo(ErrorCode.SESSION_REVOKED));
        assertThat(sts.calls).hasSize(1);
        assertThat(audit.entries)
                .extracting(DecisionEntry::outcome)
                .containsExactly(DecisionEntry.ISSUED, DecisionEntry.REFUSED);
    }

    @Test
    void aDenyDropsTheCachedCredentials() {
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");
        policy.set("version: \"1\"\nrules:\n  - name: closed\n    effect: deny\n");
        assertThat(refresh()).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.code())
                .isEqualTo(ErrorCode.POLICY_DENIED));
        assertThat(sts.discarded).containsExactly(PROD);

        policy.set(ALLOW);
        Outcome reopened = refresh();

        assertThat(keyOf(reopened)).isEqualTo("ASIA2");
        assertThat(((Outcome.Issued) reopened).credentials().cached()).isFalse();
    }

    @Test
    void aLowerMaxServerDurationForcesNewCredentials() {
        policy.set("version: \"1\"\nrules:\n  - name: long\n    effect: allow\n    max_server_duration: 1h\n");
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");
        clock.advance(Duration.ofMinutes(1));
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");

        policy.set("version: \"1\"\nrules:\n  - name: short\n    effect: allow\n    max_server_duration: 20m\n");
        Outcome shorter = refresh();

        assertThat(keyOf(shorter)).isEqualTo("ASIA2");
        assertThat(sts.calls.get(1).maxDuration()).isEqualTo(Duration.ofMinutes(20));
        assertThat(((Outcome.Issued) shorter).credentials().credentials().expiration())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
    }

    @Test
    void reusesCredentialsWithinARunAndLogsEveryRequest() {
        Outcome first = refresh();
        clock.advance(Duration.ofMinutes(2));
        Outcome second = refresh();
        clock.advance(Duration.ofMinutes(2));
        Outcome third = refresh();

        assertThat(List.of(keyOf(first), keyOf(second), keyOf(third))).containsOnly("ASIA1");
        assertThat(sts.calls).hasSize(1);
        assertThat(audit.entries).hasSize(3).allSatisfy(e -> assertThat(e.outcome())
                .isEqualTo(DecisionEntry.ISSUED));
        assertThat(audit.entries).extracting(DecisionEntry::cached).containsExactly(false, true, true);
        assertThat(audit.entries)
                .extracting(DecisionEntry::decisionId)
                .doesNotHaveDuplicates()
                .containsExactly(
                        first.decisionId().value(),
                        second.decisionId().value(),
                        third.decisionId().value());
        assertThat(sessions.get(session).orElseThrow().requestCount()).isEqualTo(3);
    }

    @Test
    void fetchesNewCredentialsWhenNoMoreThanTheMarginIsLeft() {
        assertThat(keyOf(refresh())).isEqualTo("ASIA1"); // 15 minutes, the server default
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");
        clock.advance(Duration.ofSeconds(1));

        Outcome renewed = refresh();

        assertThat(keyOf(renewed)).isEqualTo("ASIA2");
        assertThat(((Outcome.Issued) renewed).credentials().cached()).isFalse();
        assertThat(audit.entries).extracting(DecisionEntry::cached).containsExactly(false, true, false);
    }

    @Test
    void aFailedFetchKeepsNothingAndTheNextRequestAsksAgain() {
        assertThat(keyOf(refresh())).isEqualTo("ASIA1");
        clock.advance(Duration.ofMinutes(11));
        sts.failure = new SentinelException(ErrorCode.AWS_ERROR, "STS is down", "");
        assertThat(refresh()).isInstanceOf(Outcome.Refused.class);
        sts.failure = null;

        assertThat(keyOf(refresh())).isEqualTo("ASIA3");
    }

    @Test
    void credentialsAreReusedOnlyUnderTheSameGrantForTheSameCallerAndProfile() {
        InMemoryCachingCredentialIssuer issuer = new InMemoryCachingCredentialIssuer(sts, Duration.ofMinutes(5), clock);
        CallerIdentity bob = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/bob");
        Grant approval = Grant.approval(RequestId.random());
        Duration cap = Duration.ofMinutes(15);

        String direct = issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap))
                .credentials()
                .accessKeyId();
        assertThat(issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap)).cached())
                .isTrue();
        String approved =
                issuer.issue(request(PROD, ALICE, approval, cap)).credentials().accessKeyId();
        String otherApproval = issuer.issue(request(PROD, ALICE, Grant.approval(RequestId.random()), cap))
                .credentials()
                .accessKeyId();
        String otherCaller = issuer.issue(request(PROD, bob, Grant.DIRECT, cap))
                .credentials()
                .accessKeyId();
        String otherProfile = issuer.issue(request(new ProfileName("dev"), ALICE, Grant.DIRECT, cap))
                .credentials()
                .accessKeyId();

        assertThat(List.of(direct, approved, otherApproval, otherCaller, otherProfile))
                .doesNotHaveDuplicates();
        assertThat(sts.calls).hasSize(5);
    }

    @Test
    void eachServerSessionGetsCredentialsOfItsOwnSoRevokingOneEndsOnlyItsKeys() {
        InMemoryCachingCredentialIssuer issuer = new InMemoryCachingCredentialIssuer(sts, Duration.ofMinutes(5), clock);
        RequestId first = RequestId.random();
        RequestId second = RequestId.random();
        Duration cap = Duration.ofMinutes(15);

        IssuedCredentials inFirst = issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, first));
        IssuedCredentials inSecond = issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, second));
        IssuedCredentials outside = issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, null));
        IssuedCredentials firstAgain = issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, first));

        assertThat(List.of(inFirst, inSecond, outside))
                .extracting(issued -> issued.sourceIdentity().format())
                .doesNotHaveDuplicates();
        assertThat(firstAgain.cached()).isTrue();
        assertThat(firstAgain.sourceIdentity()).isEqualTo(inFirst.sourceIdentity());
        assertThat(sts.calls).hasSize(3);
    }

    @Test
    void aDiscardForgetsTheCallersCredentialsForTheProfileInEverySession() {
        InMemoryCachingCredentialIssuer issuer = new InMemoryCachingCredentialIssuer(sts, Duration.ofMinutes(5), clock);
        RequestId first = RequestId.random();
        RequestId second = RequestId.random();
        Duration cap = Duration.ofMinutes(15);
        issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, first));
        issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, second));
        issuer.issue(request(new ProfileName("dev"), ALICE, Grant.DIRECT, cap, first));

        issuer.discard(PROD, ALICE);

        assertThat(issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, first)).cached())
                .isFalse();
        assertThat(issuer.issue(request(PROD, ALICE, Grant.DIRECT, cap, second)).cached())
                .isFalse();
        assertThat(issuer.issue(request(new ProfileName("dev"), ALICE, Grant.DIRECT, cap, first))
                        .cached())
                .isTrue();
    }

    @Test
    void refusesANegativeMargin() {
        assertThatThrownBy(() -> new InMemoryCachingCredentialIssuer(sts, Duration.ofSeconds(-1), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static IssueRequest request(ProfileName profile, CallerIdentity caller, Grant grant, Duration cap) {
        return request(profile, caller, grant, cap, null);
    }

    private static IssueRequest request(
            ProfileName profile, CallerIdentity caller, Grant grant, Duration cap, RequestId session) {
        return new IssueRequest(
                profile, caller, SourceIdentity.of(caller.user(), grant, RequestId.random()), cap, session);
    }
}
