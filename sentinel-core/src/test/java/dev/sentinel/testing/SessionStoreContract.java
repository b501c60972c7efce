package dev.sentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link SessionStore} adapter must have; each adapter's test extends this. */
public abstract class SessionStoreContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    protected abstract SessionStore store();

    protected static ServerSession session(RequestId id, Instant start, Duration length) {
        return new ServerSession(
                id, "prod", "alice", ServerSession.Status.ACTIVE, start, start, start.plus(length), 0, null, null);
    }

    private static void refused(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    @Test
    void createsAndReadsASession() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        assertThat(store().get(id)).get().satisfies(s -> {
            assertThat(s.profile()).isEqualTo("prod");
            assertThat(s.status()).isEqualTo(ServerSession.Status.ACTIVE);
            assertThat(s.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        });
        assertThat(store().get(RequestId.random())).isEmpty();
    }

    @Test
    void touchRecordsEachRefresh() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        store().touch(id, T0.plusSeconds(10));
        ServerSession touched = store().touch(id, T0.plusSeconds(20));
        assertThat(touched.requestCount()).isEqualTo(2);
        assertThat(touched.lastAccessAt()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void aRevokedSessionRefusesItsNextRefresh() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        ServerSession revoked = store().revoke(id, "bob", "laptop stolen", T0.plusSeconds(5));
        assertThat(revoked.status()).isEqualTo(ServerSession.Status.REVOKED);
        assertThat(revoked.revokedBy()).isEqualTo("bob");
        refused(() -> store().touch(id, T0.plusSeconds(6)), ErrorCode.SESSION_REVOKED);
        refused(() -> store().revoke(id, "bob", "again", T0.plusSeconds(7)), ErrorCode.SESSION_REVOKED);
    }

    @Test
    void anExpiredSessionIsRefused() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofMinutes(5)));
        refused(() -> store().touch(id, T0.plus(Duration.ofMinutes(5))), ErrorCode.SESSION_EXPIRED);
        assertThat(store().get(id).orElseThrow().statusAt(T0.plus(Duration.ofMinutes(5))))
                .isEqualTo(ServerSession.Status.EXPIRED);
    }

    @Test
    void anUnknownSessionIsRefused() {
        refused(() -> store().touch(RequestId.random(), T0), ErrorCode.SESSION_NOT_FOUND);
        refused(() -> store().revoke(RequestId.random(), "bob", "x", T0), ErrorCode.SESSION_NOT_FOUND);
    }

    @Test
    void racingRevocationsProduceExactlyOneOutcome() throws Exception {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int who = i;
            calls.add(() -> {
                try {
                    store().revoke(id, "admin-" + who, "race", T0.plusSeconds(1));
                    return true;
                } catch (SentinelException e) {
                    return false;
                }
            });
        }
        int winners = 0;
        for (Future<Boolean> result : pool.invokeAll(calls)) {
            winners += result.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(winners).isEqualTo(1);
    }

    @Test
    void listsNewestFirstAndFiltersByStatus() {
        RequestId older = RequestId.random();
        RequestId newer = RequestId.random();
        store().create(session(older, T0.minusSeconds(60), Duration.ofHours(1)));
        store().create(session(newer, T0, Duration.ofHours(1)));
        store().revoke(older, "bob", "done", T0);
        List<RequestId> all =
                store().list(null, 100).stream().map(ServerSession::id).toList();
        assertThat(all.indexOf(newer)).isLessThan(all.indexOf(older));
        assertThat(store().list(ServerSession.Status.REVOKED, 100))
                .extracting(ServerSession::id)
                .contains(older)
                .doesNotContain(newer);
    }

    @Test
    void anEndedSessionExpiresAndARevokedOneStaysRevoked() {
        RequestId ended = RequestId.random();
        store().create(session(ended, T0, Duration.ofHours(1)));
        store().end(ended, T0.plusSeconds(30));
        refused(() -> store().touch(ended, T0.plusSeconds(31)), ErrorCode.SESSION_EXPIRED);

        RequestId revoked = RequestId.random();
        store().create(session(revoked, T0, Duration.ofHours(1)));
        store().revoke(revoked, "bob", "x", T0.plusSeconds(1));
        store().end(revoked, T0.plusSeconds(2));
        assertThat(store().get(revoked).orElseThrow().status()).isEqualTo(ServerSession.Status.REVOKED);
    }

    protected static final String ROLE = "arn:aws:iam::123456789012:role/prod";

    protected static Issuance stamped(Instant expiresAt) {
        RequestId decision = RequestId.random();
        return new Issuance(decision, SourceIdentity.of("alice", Grant.DIRECT, decision), ROLE, expiresAt);
    }

    @Test
    void recordsTheCredentialsHandedOutInASession() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(12)));
        Issuance later = stamped(T0.plus(Duration.ofMinutes(20)));
        Issuance earlier = stamped(T0.plus(Duration.ofMinutes(15)));
        Issuance unstamped = new Issuance(RequestId.random(), null, null, T0.plus(Duration.ofMinutes(30)));
        store().recordIssuance(id, later, T0);
        store().recordIssuance(id, earlier, T0.plusSeconds(1));
        store().recordIssuance(id, unstamped, T0.plusSeconds(2));

        assertThat(store().get(id).orElseThrow().issuances()).containsExactly(earlier, later, unstamped);
        assertThat(store().list(null, 100))
                .filteredOn(s -> s.id().equals(id))
                .singleElement()
                .satisfies(s -> assertThat(s.issuances()).containsExactly(earlier, later, unstamped));
        assertThat(store().get(id).orElseThrow().requestCount())
                .as("recording is not a refresh")
                .isZero();
    }

    @Test
    void aRevokedSessionListsItsIssuancesAndAcceptsNoMore() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        Issuance handedOut = stamped(T0.plus(Duration.ofMinutes(15)));
        store().recordIssuance(id, handedOut, T0);

        ServerSession revoked = store().revoke(id, "bob", "laptop stolen", T0.plusSeconds(5));
        assertThat(revoked.issuances()).containsExactly(handedOut);
        refused(
                () -> store().recordIssuance(id, stamped(T0.plus(Duration.ofMinutes(16))), T0.plusSeconds(6)),
                ErrorCode.SESSION_REVOKED);
        assertThat(store().get(id).orElseThrow().issuances()).containsExactly(handedOut);
    }

    @Test
    void issuancesOutsideAnActiveSessionAreRefused() {
        RequestId ended = RequestId.random();
        store().create(session(ended, T0, Duration.ofMinutes(5)));
        refused(
                () -> store().recordIssuance(
                                ended, stamped(T0.plus(Duration.ofMinutes(20))), T0.plus(Duration.ofMinutes(5))),
                ErrorCode.SESSION_EXPIRED);
        refused(() -> store().recordIssuance(RequestId.random(), stamped(T0), T0), ErrorCode.SESSION_NOT_FOUND);
        assertThat(store().get(ended).orElseThrow().issuances()).isEmpty();
    }

    @Test
    void issuancesThatExpiredLongAgoAreForgottenAndRecentOnesKept() {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(12)));
        Issuance old = stamped(T0.plus(Duration.ofMinutes(15)));
        Issuance recent = stamped(T0.plus(Duration.ofMinutes(40)));
        store().recordIssuance(id, old, T0);
        store().recordIssuance(id, recent, T0.plus(Duration.ofMinutes(25)));
        Instant later = T0.plus(Duration.ofMinutes(15))
                .plus(SessionStore.FORGET_ISSUANCES_AFTER)
                .plusSeconds(1);
        Issuance current = stamped(later.plus(Duration.ofMinutes(15)));
        store().recordIssuance(id, current, later);

        assertThat(store().get(id).orElseThrow().issuances()).containsExactly(recent, current);
    }

    @Test
    void aRevocationRacingIssuancesListsEveryIssuanceThatWasRecorded() throws Exception {
        RequestId id = RequestId.random();
        store().create(session(id, T0, Duration.ofHours(1)));
        Set<Issuance> recorded = ConcurrentHashMap.newKeySet();
        ServerSession[] revoked = new ServerSession[1];
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(() -> {
                for (int n = 0; n < 4; n++) {
                    Issuance issuance = stamped(T0.plus(Duration.ofMinutes(15)));
                    try {
                        store().recordIssuance(id, issuance, T0.plusSeconds(1));
                        recorded.add(issuance);
                    } catch (SentinelException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.SESSION_REVOKED);
                    }
                }
                return null;
            });
        }
        calls.add(() -> {
            revoked[0] = store().revoke(id, "bob", "race", T0.plusSeconds(1));
            return null;
        });
        for (Future<Void> result : pool.invokeAll(calls)) {
            result.get();
        }
        pool.shutdown();
        assertThat(revoked[0].issuances()).containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(store().get(id).orElseThrow().issuances()).containsExactlyInAnyOrderElementsOf(recorded);
    }

    @Test
    void timesCompareAsInstantsNotAsText() {
        // Instant.toString drops zero fractions: "10:00:00Z" sorts after "10:00:00.500Z" as text.
        RequestId id = RequestId.random();
        store().create(session(id, T0.minusMillis(500), Duration.ofMillis(1000)));
        assertThat(store().touch(id, T0).requestCount()).isEqualTo(1);
        refused(() -> store().touch(id, T0.plusMillis(500)), ErrorCode.SESSION_EXPIRED);

        RequestId whole = RequestId.random();
        RequestId fraction = RequestId.random();
        store().create(session(whole, T0.plusSeconds(3600), Duration.ofHours(1)));
        store().create(session(fraction, T0.plusSeconds(3600).plusMillis(250), Duration.ofHours(1)));
        List<RequestId> order =
                store().list(null, 100).stream().map(ServerSession::id).toList();
        assertThat(order.indexOf(fraction)).isLessThan(order.indexOf(whole));
    }
}
