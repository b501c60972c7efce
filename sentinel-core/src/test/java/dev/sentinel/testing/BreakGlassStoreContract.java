package dev.sentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassEvent.Status;
import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.store.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link BreakGlassStore} adapter must have; each adapter's test extends this. */
public abstract class BreakGlassStoreContract {
    /** Millisecond precision on purpose: stores keep milliseconds, and a fraction catches text comparisons. */
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123Z");

    private static final Comparator<BreakGlassEvent> NEWEST_FIRST = Comparator.comparing(BreakGlassEvent::createdAt)
            .thenComparing(e -> e.id().value())
            .reversed();

    protected abstract BreakGlassStore store();

    /** A new active event (version 1) with every optional field empty. */
    protected static BreakGlassEvent event(
            RequestId id, String invoker, String profile, Instant createdAt, Duration duration) {
        return new BreakGlassEvent(
                id,
                invoker,
                null,
                profile,
                ReasonCode.INCIDENT,
                "primary database is down, restoring from backup",
                Status.ACTIVE,
                createdAt,
                createdAt,
                createdAt.plus(duration),
                duration,
                null,
                false,
                null,
                null,
                null,
                1);
    }

    private static SentinelException refused(ThrowingCallable call, ErrorCode code) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(SentinelException.class);
        SentinelException e = (SentinelException) thrown;
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    private BreakGlassEvent stored(RequestId id) {
        return store().get(id).orElseThrow(() -> new AssertionError("event " + id + " is not stored"));
    }

    private void close(BreakGlassEvent event, Instant at) {
        store().update(stored(event.id()).next(Status.CLOSED, at, "bob", "incident resolved"));
    }

    @Test
    void refusesASecondActiveEventOfTheSameInvokerOnTheSameProfile() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        BreakGlassEvent second =
                event(RequestId.random(), "alice", "prod", first.expiresAt().minusMillis(1), Duration.ofHours(1));

        SentinelException e = refused(() -> store().open(second), ErrorCode.BREAKGLASS_ACTIVE);

        assertThat(e.getMessage())
                .contains(first.id().value())
                .contains(first.expiresAt().toString());
        assertThat(e.hint()).contains("sentinel breakglass-close " + first.id().value() + " --reason");
        assertThat(store().get(second.id())).isEmpty();
        assertThat(stored(first.id())).isEqualTo(first);
    }

    @Test
    void refusesADuplicateIdAndKeepsTheStoredEvent() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        BreakGlassEvent sameId = event(first.id(), "carol", "dev", T0.plusSeconds(1), Duration.ofHours(2));

        refused(() -> store().open(sameId), ErrorCode.STATE_CONFLICT);

        assertThat(stored(first.id())).isEqualTo(first);
        // The refused open left nothing behind for carol on dev.
        store().open(event(RequestId.random(), "carol", "dev", T0.plusSeconds(2), Duration.ofHours(1)));
    }

    @Test
    void refusesAStaleOrSkippedVersion() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        BreakGlassEvent closed = first.next(Status.CLOSED, T0.plusSeconds(60), "bob", "done");
        store().update(closed);

        refused(() -> store().update(closed), ErrorCode.STATE_CONFLICT);
        refused(
                () -> store().update(first.next(Status.CLOSED, T0.plusSeconds(61), "carol", "me too")),
                ErrorCode.STATE_CONFLICT);
        BreakGlassEvent skipped = closed.next(Status.CLOSED, T0.plusSeconds(62), "bob", "again")
                .next(Status.CLOSED, T0.plusSeconds(63), "bob", "and again");
        refused(() -> store().update(skipped), ErrorCode.STATE_CONFLICT);
        assertThat(stored(first.id())).isEqualTo(closed);
    }

    @Test
    void refusesToUpdateAnUnknownEvent() {
        BreakGlassEvent never = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        refused(() -> store().update(never.next(Status.CLOSED, T0, "bob", "x")), ErrorCode.BREAKGLASS_NOT_FOUND);
        assertThat(store().get(never.id())).isEmpty();
    }

    @Test
    void neverReopensAClosedEvent() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        BreakGlassEvent closed = first.next(Status.CLOSED, T0.plusSeconds(60), "bob", "done");
        store().update(closed);
        BreakGlassEvent other = event(RequestId.random(), "alice", "prod", T0.plusSeconds(61), Duration.ofHours(1));
        store().open(other);

        refused(
                () -> store().update(closed.next(Status.ACTIVE, T0.plusSeconds(62), null, null)),
                ErrorCode.STATE_CONFLICT);

        assertThat(stored(first.id())).isEqualTo(closed);
    }

    @Test
    void openAndGetKeepEveryFieldWithTheOptionalOnesEmpty() {
        BreakGlassEvent event = event(RequestId.random(), "alice", "prod", T0, Duration.ofMinutes(90));
        store().open(event);
        assertThat(stored(event.id())).isEqualTo(event);
    }

    @Test
    void openGetAndUpdateKeepEveryFieldWhenAllAreSet() {
        Instant created = T0.plusMillis(7);
        BreakGlassEvent event = new BreakGlassEvent(
                RequestId.random(),
                "alice",
                "arn:aws:iam::123456789012:user/alice",
                "prod",
                ReasonCode.SECURITY,
                "credential leak: rotating keys – ünïcode and \"quotes\"",
                Status.ACTIVE,
                created,
                created.plusMillis(1),
                created.plus(Duration.ofMinutes(45)),
                Duration.ofMinutes(45),
                "totp",
                true,
                null,
                null,
                null,
                1);
        store().open(event);
        assertThat(stored(event.id())).isEqualTo(event);

        BreakGlassEvent closed =
                event.next(Status.CLOSED, created.plusSeconds(600).plusMillis(999), "bob", "rotated");
        store().update(closed);
        assertThat(stored(event.id())).isEqualTo(closed);
        assertThat(closed.closedAt()).isNotNull();
    }

    @Test
    void anUnknownIdIsEmpty() {
        assertThat(store().get(RequestId.random())).isEmpty();
    }

    @Test
    void opensAgainOnceTheFirstHasExpiredAndRecordsItAsExpired() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        BreakGlassEvent second = event(RequestId.random(), "alice", "prod", first.expiresAt(), Duration.ofHours(1));

        store().open(second);

        assertThat(stored(second.id())).isEqualTo(second);
        assertThat(stored(first.id())).isEqualTo(first.next(Status.EXPIRED, second.createdAt(), null, null));
        // The new event holds the rule now.
        refused(
                () -> store().open(event(
                        RequestId.random(), "alice", "prod", second.createdAt().plusSeconds(1), Duration.ofHours(1))),
                ErrorCode.BREAKGLASS_ACTIVE);
    }

    @Test
    void opensAgainOnceTheFirstIsClosed() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        close(first, T0.plusSeconds(60));
        BreakGlassEvent second = event(RequestId.random(), "alice", "prod", T0.plusSeconds(61), Duration.ofHours(1));

        store().open(second);

        assertThat(stored(second.id())).isEqualTo(second);
        assertThat(stored(first.id()).status()).isEqualTo(Status.CLOSED);
    }

    @Test
    void anotherInvokerOrAnotherProfileIsUnaffected() {
        store().open(event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1)));
        BreakGlassEvent otherProfile =
                event(RequestId.random(), "alice", "dev", T0.plusSeconds(1), Duration.ofHours(1));
        BreakGlassEvent otherInvoker = event(RequestId.random(), "bob", "prod", T0.plusSeconds(2), Duration.ofHours(1));

        store().open(otherProfile);
        store().open(otherInvoker);

        assertThat(stored(otherProfile.id())).isEqualTo(otherProfile);
        assertThat(stored(otherInvoker.id())).isEqualTo(otherInvoker);
    }

    @Test
    void namesThatLookLikeSeparatorsDoNotCollide() {
        store().open(event(RequestId.random(), "a#b", "c", T0, Duration.ofHours(1)));
        BreakGlassEvent other = event(RequestId.random(), "a", "b#c", T0.plusSeconds(1), Duration.ofHours(1));
        store().open(other);
        assertThat(stored(other.id())).isEqualTo(other);
    }

    @Test
    void anActiveEventUpdatedInPlaceHoldsTheRuleUntilItsNewEnd() {
        BreakGlassEvent first = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store().open(first);
        Instant newEnd = T0.plus(Duration.ofMinutes(20));
        BreakGlassEvent shortened = new BreakGlassEvent(
                first.id(),
                first.invoker(),
                first.invokerArn(),
                first.profile(),
                first.reasonCode(),
                first.justification(),
                Status.ACTIVE,
                first.createdAt(),
                T0.plusSeconds(5),
                newEnd,
                Duration.ofMinutes(20),
                "sms",
                true,
                null,
                null,
                null,
                2);
        store().update(shortened);
        assertThat(stored(first.id())).isEqualTo(shortened);

        refused(
                () -> store().open(
                                event(RequestId.random(), "alice", "prod", newEnd.minusMillis(1), Duration.ofHours(1))),
                ErrorCode.BREAKGLASS_ACTIVE);
        store().open(event(RequestId.random(), "alice", "prod", newEnd, Duration.ofHours(1)));
        assertThat(stored(first.id()).status()).isEqualTo(Status.EXPIRED);
    }

    @Test
    void racingOpensOfTheSameInvokerAndProfileLetExactlyOneThrough() throws Exception {
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<ErrorCode>> calls = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            BreakGlassEvent mine = event(RequestId.random(), "alice", "prod", T0.plusMillis(i), Duration.ofHours(1));
            calls.add(() -> {
                start.await();
                try {
                    store().open(mine);
                    return null;
                } catch (SentinelException e) {
                    return e.code();
                }
            });
        }
        List<Future<ErrorCode>> results = new ArrayList<>();
        for (Callable<ErrorCode> call : calls) {
            results.add(pool.submit(call));
        }
        start.countDown();
        List<ErrorCode> outcomes = new ArrayList<>();
        for (Future<ErrorCode> result : results) {
            outcomes.add(result.get());
        }
        pool.shutdown();

        assertThat(outcomes).filteredOn(Objects::isNull).hasSize(1);
        assertThat(outcomes).filteredOn(Objects::nonNull).containsOnly(ErrorCode.BREAKGLASS_ACTIVE);
        assertThat(store().list(new BreakGlassQuery("alice", null, "prod", 100), null)
                        .items())
                .hasSize(1);
    }

    /**
     * 36 events, 12 per (invoker, profile) pair, opened every ten minutes for five; the three pairs
     * open at the same instants (so ids break ties). Every third alice/prod event is closed; the others
     * are expired by the next open of their pair, the last of each pair stays active.
     */
    private List<BreakGlassEvent> history() {
        String[][] pairs = {{"alice", "prod"}, {"alice", "dev"}, {"bob", "prod"}};
        List<RequestId> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Instant at = T0.plus(Duration.ofMinutes(10L * i));
            for (String[] pair : pairs) {
                BreakGlassEvent event = event(RequestId.random(), pair[0], pair[1], at, Duration.ofMinutes(5));
                store().open(event);
                ids.add(event.id());
                if (i % 3 == 0 && pair[0].equals("alice") && pair[1].equals("prod")) {
                    close(event, at.plusSeconds(30));
                }
            }
        }
        List<BreakGlassEvent> events = new ArrayList<>();
        for (RequestId id : ids) {
            events.add(stored(id));
        }
        events.sort(NEWEST_FIRST);
        return events;
    }

    private List<BreakGlassEvent> walk(BreakGlassQuery query) {
        List<BreakGlassEvent> all = new ArrayList<>();
        String token = null;
        do {
            Page<BreakGlassEvent> page = store().list(query, token);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(query.limit());
            if (page.next() != null) {
                assertThat(page.items()).hasSize(query.limit());
            }
            all.addAll(page.items());
            token = page.next();
        } while (token != null);
        return all;
    }

    private static List<BreakGlassEvent> only(List<BreakGlassEvent> events, Predicate<BreakGlassEvent> filter) {
        return events.stream().filter(filter).toList();
    }

    @Test
    void listsNewestFirstByCreationThenIdAndFiltersByInvokerStatusAndProfile() {
        List<BreakGlassEvent> all = history();
        assertThat(all).extracting(BreakGlassEvent::status).contains(Status.ACTIVE, Status.CLOSED, Status.EXPIRED);

        assertThat(store().list(new BreakGlassQuery(null, null, null, 1000), null))
                .satisfies(page -> {
                    assertThat(page.items()).containsExactlyElementsOf(all);
                    assertThat(page.next()).isNull();
                });
        assertThat(store().list(new BreakGlassQuery("alice", null, null, 1000), null)
                        .items())
                .containsExactlyElementsOf(only(all, e -> e.invoker().equals("alice")));
        assertThat(store().list(new BreakGlassQuery(null, null, "prod", 1000), null)
                        .items())
                .containsExactlyElementsOf(only(all, e -> e.profile().equals("prod")));
        for (Status status : Status.values()) {
            assertThat(store().list(new BreakGlassQuery(null, status, null, 1000), null)
                            .items())
                    .as("status %s", status)
                    .containsExactlyElementsOf(only(all, e -> e.status() == status));
        }
        assertThat(store().list(new BreakGlassQuery("alice", Status.CLOSED, "prod", 1000), null)
                        .items())
                .hasSize(4)
                .containsExactlyElementsOf(only(
                        all,
                        e -> e.invoker().equals("alice") && e.profile().equals("prod") && e.status() == Status.CLOSED));
        assertThat(store().list(new BreakGlassQuery("bob", Status.ACTIVE, null, 1000), null)
                        .items())
                .hasSize(1);
        assertThat(store().list(new BreakGlassQuery("nobody", null, null, 10), null))
                .satisfies(page -> {
                    assertThat(page.items()).isEmpty();
                    assertThat(page.next()).isNull();
                });
    }

    @Test
    void paginationWalksEveryItemExactlyOnce() {
        List<BreakGlassEvent> all = history();
        List<BreakGlassQuery> queries = List.of(
                new BreakGlassQuery(null, null, null, 5),
                new BreakGlassQuery(null, null, null, 1),
                new BreakGlassQuery(null, null, null, 36),
                new BreakGlassQuery("alice", null, null, 4),
                new BreakGlassQuery(null, null, "prod", 7),
                new BreakGlassQuery(null, Status.EXPIRED, null, 3),
                new BreakGlassQuery("alice", Status.EXPIRED, "prod", 2));
        for (BreakGlassQuery query : queries) {
            List<BreakGlassEvent> expected = only(
                    all,
                    e -> (query.invoker() == null || e.invoker().equals(query.invoker()))
                            && (query.status() == null || e.status() == query.status())
                            && (query.profile() == null || e.profile().equals(query.profile())));
            List<BreakGlassEvent> walked = walk(query);
            assertThat(walked).as("%s", query).containsExactlyElementsOf(expected);
            assertThat(new HashSet<>(walked)).hasSameSizeAs(walked);
        }
    }

    @Test
    void refusesAPageTokenItDidNotIssue() {
        history();
        refused(() -> store().list(new BreakGlassQuery(null, null, null, 5), "not-a-token"), ErrorCode.USAGE);
    }

    @Test
    void countsEveryEventOpenedAtOrAfterTheGivenInstant() {
        history();
        Instant fiftyMinutes = T0.plus(Duration.ofMinutes(50));

        assertThat(store().countSince("alice", "prod", T0)).isEqualTo(12);
        assertThat(store().countSince("alice", "prod", T0.minusSeconds(3600))).isEqualTo(12);
        assertThat(store().countSince("alice", "prod", fiftyMinutes)).isEqualTo(7);
        assertThat(store().countSince("alice", "prod", fiftyMinutes.plusMillis(1)))
                .isEqualTo(6);
        assertThat(store().countSince("alice", null, fiftyMinutes)).isEqualTo(14);
        assertThat(store().countSince(null, "prod", fiftyMinutes)).isEqualTo(14);
        assertThat(store().countSince(null, null, fiftyMinutes)).isEqualTo(21);
        assertThat(store().countSince(null, null, T0)).isEqualTo(36);
        assertThat(store().countSince("bob", "dev", T0)).isZero();
        assertThat(store().countSince("alice", "prod", T0.plus(Duration.ofDays(1))))
                .isZero();
    }

    @Test
    void latestIsTheNewestEventOfTheInvokerOnTheProfileInAnyStatus() {
        assertThat(store().latest("alice", "prod")).isEmpty();
        List<BreakGlassEvent> all = history();
        // Newer events of alice on other profiles, more than a small read page of them, must not hide it.
        List<BreakGlassEvent> elsewhere = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            BreakGlassEvent event = event(
                    RequestId.random(),
                    "alice",
                    "staging-" + i,
                    T0.plus(Duration.ofDays(1)).plusSeconds(i),
                    Duration.ofHours(1));
            store().open(event);
            elsewhere.add(event);
        }
        BreakGlassEvent newest = only(
                        all, e -> e.invoker().equals("alice") && e.profile().equals("prod"))
                .get(0);

        assertThat(store().latest("alice", "prod")).contains(newest);
        close(newest, newest.createdAt().plusSeconds(1));
        assertThat(store().latest("alice", "prod")).contains(stored(newest.id()));
        assertThat(store().latest("alice", "staging-0")).contains(elsewhere.get(0));
        assertThat(store().latest("bob", "dev")).isEmpty();
        assertThat(store().latest("carol", "prod")).isEmpty();
    }
}
