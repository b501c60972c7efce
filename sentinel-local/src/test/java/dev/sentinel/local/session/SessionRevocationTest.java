package dev.sentinel.local.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionRevocation;
import dev.sentinel.session.SourceIdentityRevoker;
import dev.sentinel.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revoking a session and ending its credentials, over a real SQLite store and a recording revoker. */
class SessionRevocationTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String DEV = "arn:aws:iam::123456789012:role/dev";
    private static final String PROD = "arn:aws:iam::123456789012:role/prod";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final Recording iam = new Recording();
    private SqliteSessionStore store;
    private SessionRevocation revocation;
    private RequestId id;

    /** Records what it was asked to do; per role it can fail or report the role as gone. */
    private static final class Recording implements SourceIdentityRevoker {
        final List<String> calls = new ArrayList<>();
        final Map<String, Instant> until = new HashMap<>();
        final Map<String, List<SourceIdentity>> denied = new HashMap<>();
        final Map<String, RuntimeException> failing = new HashMap<>();
        final Map<String, RuntimeException> failingCleanup = new HashMap<>();
        final List<String> gone = new ArrayList<>();

        @Override
        public Denial deny(RequestId session, String roleArn, Collection<SourceIdentity> stamps, Instant until) {
            calls.add("deny " + session + " " + roleArn);
            if (failing.containsKey(roleArn)) {
                throw failing.get(roleArn);
            }
            if (gone.contains(roleArn)) {
                return Denial.ROLE_GONE;
            }
            denied.put(roleArn, List.copyOf(stamps));
            this.until.put(roleArn, until);
            return Denial.WRITTEN;
        }

        @Override
        public Removal removeExpired(String roleArn, Instant now) {
            calls.add("cleanup " + roleArn);
            if (failingCleanup.containsKey(roleArn)) {
                throw failingCleanup.get(roleArn);
            }
            return new Removal(List.of("sentinel-revoke-older"), List.of());
        }
    }

    @BeforeEach
    void seed() {
        store = new SqliteSessionStore(dir.resolve("state/sentinel.db"));
        revocation = new SessionRevocation(store, clock);
        id = RequestId.random();
        store.create(new ServerSession(
                id,
                "prod",
                "alice",
                ServerSession.Status.ACTIVE,
                T0.minus(Duration.ofMinutes(30)),
                T0,
                T0.plus(Duration.ofHours(11)),
                0,
                null,
                null));
    }

    private SourceIdentity record(String role, Instant expiresAt) {
        RequestId decision = RequestId.random();
        SourceIdentity stamp = role == null ? null : SourceIdentity.of("alice", Grant.DIRECT, decision);
        store.recordIssuance(id, new Issuance(decision, stamp, role, expiresAt), T0.minus(Duration.ofMinutes(10)));
        return stamp;
    }

    private static SentinelException unreachable() {
        return new SentinelException(ErrorCode.AWS_UNREACHABLE, "Cannot reach AWS at the IAM endpoint.", "");
    }

    @Test
    void anUnknownSessionIsRefusedBeforeAnythingIsDenied() {
        assertThatThrownBy(() -> revocation.revokeNow(RequestId.random(), "bob", "x", () -> iam))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.SESSION_NOT_FOUND);
        assertThat(iam.calls).isEmpty();
    }

    @Test
    void whenTheRevokerCannotBeHadTheStoreRevocationStandsAndEveryRoleSaysSo() {
        SourceIdentity prod = record(PROD, T0.plus(Duration.ofMinutes(5)));
        SourceIdentity dev = record(DEV, T0.plus(Duration.ofMinutes(8)));
        SentinelException noProfile = new SentinelException(ErrorCode.CONFIG_INVALID, "no AWS profile", "");

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> {
            throw noProfile;
        });

        assertThat(store.get(id).orElseThrow().status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(report.prior()).isEqualTo(SessionRevocation.Prior.ACTIVE);
        assertThat(report.failures())
                .extracting(SessionRevocation.NotDenied::roleArn, SessionRevocation.NotDenied::error)
                .containsExactly(tuple(DEV, noProfile), tuple(PROD, noProfile));
        assertThat(report.failures().get(0).stamps()).containsExactly(dev);
        assertThat(report.failures().get(0).validUntil()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
        assertThat(report.failures().get(1).stamps()).containsExactly(prod);
        assertThat(report.cleaned()).isEmpty();
    }

    @Test
    void deniesEachRolesStillValidCredentialsUntilTheLastExpiresAndTidiesUp() {
        record(PROD, T0.minusSeconds(1));
        SourceIdentity first = record(PROD, T0.plus(Duration.ofMinutes(5)));
        SourceIdentity second = record(PROD, T0.plus(Duration.ofMinutes(14)).plusMillis(300));
        SourceIdentity dev = record(DEV, T0.plus(Duration.ofMinutes(2)));
        record(null, T0.plus(Duration.ofMinutes(9)));

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> iam);

        assertThat(report.failures()).isEmpty();
        assertThat(report.session().status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(report.session().revokedBy()).isEqualTo("bob");
        assertThat(iam.denied.get(PROD)).containsExactlyInAnyOrder(first, second);
        assertThat(iam.denied.get(DEV)).containsExactly(dev);
        assertThat(iam.until.get(PROD)).isEqualTo(Instant.parse("2026-11-22T10:19:01Z"));
        assertThat(iam.until.get(DEV)).isEqualTo(Instant.parse("2026-11-22T10:07:01Z"));
        assertThat(report.roles())
                .extracting(SessionRevocation.RoleOutcome::kind)
                .containsExactly(SessionRevocation.RoleOutcome.Kind.DENIED, SessionRevocation.RoleOutcome.Kind.DENIED);
        assertThat(report.unstamped()).singleElement().satisfies(i -> assertThat(i.expiresAt())
                .isEqualTo(T0.plus(Duration.ofMinutes(9))));
        assertThat(iam.calls)
                .containsExactly(
                        "deny " + id + " " + DEV, "deny " + id + " " + PROD, "cleanup " + DEV, "cleanup " + PROD);
        assertThat(report.cleaned()).containsExactly("sentinel-revoke-older", "sentinel-revoke-older");
    }

    @Test
    void oneRoleFailingDoesNotStopTheOthersAndAGoneRoleIsReportedAsSuch() {
        SourceIdentity prod = record(PROD, T0.plus(Duration.ofMinutes(5)));
        record(DEV, T0.plus(Duration.ofMinutes(5)));
        String gone = "arn:aws:iam::123456789012:role/deleted";
        record(gone, T0.plus(Duration.ofMinutes(5)));
        iam.failing.put(PROD, unreachable());
        iam.gone.add(gone);

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> iam);

        assertThat(report.roles())
                .extracting(SessionRevocation.RoleOutcome::roleArn, SessionRevocation.RoleOutcome::kind)
                .containsExactly(
                        tuple(gone, SessionRevocation.RoleOutcome.Kind.ROLE_GONE),
                        tuple(DEV, SessionRevocation.RoleOutcome.Kind.DENIED),
                        tuple(PROD, SessionRevocation.RoleOutcome.Kind.NOT_DENIED));
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.stamps()).containsExactly(prod);
            assertThat(f.error().code()).isEqualTo(ErrorCode.AWS_UNREACHABLE);
        });
        assertThat(iam.calls).as("only roles just denied are tidied").doesNotContain("cleanup " + PROD);
        assertThat(report.cleanupProblems()).isEmpty();
    }

    @Test
    void aCleanupThatFailsAfterTheDenyIsOnlyAProblemNotAFailure() {
        record(PROD, T0.plus(Duration.ofMinutes(5)));
        iam.failingCleanup.put(PROD, unreachable());

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> iam);

        assertThat(report.failures()).isEmpty();
        assertThat(report.roles()).singleElement().isInstanceOf(SessionRevocation.Denied.class);
        assertThat(report.cleanupProblems()).singleElement().asString().startsWith(PROD + ": Cannot reach AWS");
    }

    @Test
    void runningItAgainOnARevokedSessionWritesTheSameDenies() {
        SourceIdentity prod = record(PROD, T0.plus(Duration.ofMinutes(5)));
        iam.failing.put(PROD, unreachable());
        assertThat(revocation.revokeNow(id, "bob", "stolen", () -> iam).failures())
                .hasSize(1);

        iam.failing.clear();
        clock.advance(Duration.ofMinutes(1));
        SessionRevocation.Report again = revocation.revokeNow(id, "carol", "retry", () -> iam);

        assertThat(again.prior()).isEqualTo(SessionRevocation.Prior.REVOKED);
        assertThat(again.failures()).isEmpty();
        assertThat(again.session().revokedBy())
                .as("the first revocation is kept")
                .isEqualTo("bob");
        assertThat(iam.denied.get(PROD)).containsExactly(prod);
    }

    @Test
    void anEndedSessionsCredentialsCanStillBeEnded() {
        SourceIdentity prod = record(PROD, T0.plus(Duration.ofMinutes(12)));
        store.end(id, T0.plusSeconds(30));
        clock.advance(Duration.ofMinutes(1));

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> iam);

        assertThat(report.prior()).isEqualTo(SessionRevocation.Prior.ENDED);
        assertThat(iam.denied.get(PROD)).containsExactly(prod);
    }

    @Test
    void withNothingStillValidTheRevokerIsNeverAsked() {
        record(PROD, T0.minusSeconds(5));
        record(null, T0.plus(Duration.ofMinutes(3)));

        SessionRevocation.Report report = revocation.revokeNow(id, "bob", "stolen", () -> {
            throw new AssertionError("no deny is needed, so no IAM client either");
        });

        assertThat(report.roles()).isEmpty();
        assertThat(report.unstamped()).hasSize(1);
        assertThat(store.get(id).orElseThrow().status()).isEqualTo(ServerSession.Status.REVOKED);
    }

    @Test
    void cleanupVisitsEveryRoleTheStoreRecordsOnceAndKeepsGoingPastFailures() {
        record(PROD, T0.plus(Duration.ofMinutes(5)));
        record(PROD, T0.plus(Duration.ofMinutes(6)));
        record(DEV, T0.plus(Duration.ofMinutes(5)));
        record(null, T0.plus(Duration.ofMinutes(5)));
        iam.failingCleanup.put(DEV, unreachable());

        List<SessionRevocation.RoleCleanup> cleanups = revocation.cleanup(iam);

        assertThat(cleanups).extracting(SessionRevocation.RoleCleanup::roleArn).containsExactly(DEV, PROD);
        assertThat(cleanups.get(0).error().code()).isEqualTo(ErrorCode.AWS_UNREACHABLE);
        assertThat(cleanups.get(1).removal().removed()).containsExactly("sentinel-revoke-older");
    }
}
