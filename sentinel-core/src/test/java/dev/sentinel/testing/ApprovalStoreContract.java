package dev.sentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.approval.Approval;
import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalRequest.Status;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.store.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ApprovalStore} adapter must have; each adapter's test extends this and
 * returns a fresh, empty store for every test. Stores keep instants at millisecond precision, so every
 * instant here is whole milliseconds.
 */
public abstract class ApprovalStoreContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123Z");

    protected abstract ApprovalStore store();

    /** A pending request created at {@code createdAt}, with only the required fields set. */
    protected static ApprovalRequest pending(RequestId id, String requester, String profile, Instant createdAt) {
        return new ApprovalRequest(
                id,
                requester,
                null,
                profile,
                Duration.ofHours(1),
                "deploy hotfix",
                Status.PENDING,
                createdAt,
                createdAt,
                createdAt.plus(Duration.ofHours(24)),
                null,
                1,
                List.of(),
                null,
                null,
                false,
                1);
    }

    /** {@code current} approved by {@code approver} at {@code at}: the next version. */
    protected static ApprovalRequest approvedBy(ApprovalRequest current, String approver, Instant at) {
        return current.next(
                Status.APPROVED,
                at,
                at.plus(current.duration()),
                at,
                List.of(new Approval(approver, at, "ok")),
                approver,
                null,
                false);
    }

    private static void refused(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    @Test
    void anUnknownRequestIsEmpty() {
        assertThat(store().get(RequestId.random())).isEmpty();
    }

    @Test
    void aSecondCreateWithTheSameIdIsAConflictAndKeepsTheFirst() {
        RequestId id = RequestId.random();
        ApprovalRequest first = pending(id, "alice", "prod", T0);
        store().create(first);
        refused(() -> store().create(pending(id, "mallory", "admin", T0.plusSeconds(1))), ErrorCode.STATE_CONFLICT);
        assertThat(store().get(id)).contains(first);
    }

    @Test
    void anUpdateFromAStaleVersionIsAConflictAndChangesNothing() {
        RequestId id = RequestId.random();
        ApprovalRequest created = pending(id, "alice", "prod", T0);
        store().create(created);
        ApprovalRequest approved = approvedBy(created, "bob", T0.plusSeconds(5));
        store().update(approved);

        ApprovalRequest stale = created.next(
                Status.DENIED, T0.plusSeconds(6), created.expiresAt(), null, List.of(), "carol", "no", false);
        refused(() -> store().update(stale), ErrorCode.STATE_CONFLICT);
        ApprovalRequest skipping = approvedBy(approved, "carol", T0.plusSeconds(7))
                .next(Status.CANCELLED, T0.plusSeconds(8), approved.expiresAt(), null, List.of(), "carol", "x", false);
        refused(() -> store().update(skipping), ErrorCode.STATE_CONFLICT);
        assertThat(store().get(id)).contains(approved);
    }

    @Test
    void anUpdateOfAnUnknownRequestIsNotFound() {
        ApprovalRequest never = pending(RequestId.random(), "alice", "prod", T0);
        refused(() -> store().update(approvedBy(never, "bob", T0.plusSeconds(1))), ErrorCode.APPROVAL_NOT_FOUND);
        assertThat(store().get(never.id())).isEmpty();
    }

    @Test
    void aPageTokenThatNoStoreIssuedIsRefused() {
        store().create(pending(RequestId.random(), "alice", "prod", T0));
        refused(() -> store().list(new ApprovalQuery(null, null, null, 10), "not a token"), ErrorCode.USAGE);
    }

    @Test
    void storesAndReadsBackEveryField() {
        RequestId id = RequestId.random();
        ApprovalRequest full = new ApprovalRequest(
                id,
                "alice",
                "arn:aws:iam::123456789012:user/alice",
                "prod-admin",
                Duration.ofMinutes(90),
                "incident INC-42: rotate \"keys\", then verify\nline two",
                Status.APPROVED,
                T0,
                T0.plusMillis(65_001),
                T0.plus(Duration.ofMinutes(91)),
                T0.plusMillis(60_999),
                3,
                List.of(
                        new Approval("bob", T0.plusMillis(10_007), "looks right"),
                        new Approval("carol", T0.plusMillis(30_500), null),
                        new Approval("dave", T0.plusMillis(60_999), "ünïcode ✓")),
                "dave",
                "final approval",
                true,
                1);
        store().create(full);
        assertThat(store().get(id)).contains(full);
    }

    @Test
    void storesAndReadsBackARequestWithoutOptionalFields() {
        RequestId id = RequestId.random();
        ApprovalRequest bare = pending(id, "alice", "prod", T0);
        store().create(bare);
        ApprovalRequest read = store().get(id).orElseThrow();
        assertThat(read).isEqualTo(bare);
        assertThat(read.requesterArn()).isNull();
        assertThat(read.accessStart()).isNull();
        assertThat(read.decidedBy()).isNull();
        assertThat(read.comment()).isNull();
        assertThat(read.approvals()).isEmpty();
    }

    @Test
    void anUpdateFromTheStoredVersionReplacesTheRecord() {
        RequestId id = RequestId.random();
        ApprovalRequest created = pending(id, "alice", "prod", T0);
        store().create(created);
        ApprovalRequest partly = created.next(
                Status.PENDING,
                T0.plusSeconds(5),
                created.expiresAt(),
                null,
                List.of(new Approval("bob", T0.plusSeconds(5), null)),
                null,
                null,
                false);
        store().update(partly);
        assertThat(store().get(id)).contains(partly);

        ApprovalRequest denied = partly.next(
                Status.DENIED, T0.plusSeconds(9), created.expiresAt(), null, List.of(), "carol", "no", false);
        store().update(denied);
        assertThat(store().get(id)).contains(denied);
        assertThat(store().get(id).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void racingUpdatesFromTheSameVersionProduceExactlyOneOutcome() throws Exception {
        RequestId id = RequestId.random();
        ApprovalRequest created = pending(id, "alice", "prod", T0);
        store().create(created);
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<ErrorCode>> results = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                ApprovalRequest mine = approvedBy(created, "approver-" + i, T0.plusSeconds(1));
                Callable<ErrorCode> race = () -> {
                    start.await();
                    try {
                        store().update(mine);
                        return null;
                    } catch (SentinelException e) {
                        return e.code();
                    }
                };
                results.add(pool.submit(race));
            }
            start.countDown();
            List<ErrorCode> outcomes = new ArrayList<>();
            for (Future<ErrorCode> result : results) {
                outcomes.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).filteredOn(code -> code == null).hasSize(1);
            assertThat(outcomes)
                    .filteredOn(code -> code != null)
                    .hasSize(racers - 1)
                    .containsOnly(ErrorCode.STATE_CONFLICT);
        } finally {
            pool.shutdownNow();
        }
        ApprovalRequest stored = store().get(id).orElseThrow();
        assertThat(stored.version()).isEqualTo(2);
        assertThat(stored).isEqualTo(approvedBy(created, stored.decidedBy(), T0.plusSeconds(1)));
    }

    @Test
    void listFiltersByRequesterStatusAndProfile() {
        ApprovalRequest alicePending = pending(RequestId.random(), "alice", "prod", T0);
        ApprovalRequest aliceStaging = pending(RequestId.random(), "alice", "staging", T0.plusSeconds(1));
        ApprovalRequest bobPending = pending(RequestId.random(), "bob", "prod", T0.plusSeconds(2));
        ApprovalRequest bobApproved = pending(RequestId.random(), "bob", "staging", T0.plusSeconds(3));
        List.of(alicePending, aliceStaging, bobPending, bobApproved).forEach(store()::create);
        store().update(approvedBy(bobApproved, "carol", T0.plusSeconds(4)));

        assertThat(ids(new ApprovalQuery("alice", null, null, 100)))
                .containsExactly(aliceStaging.id(), alicePending.id());
        assertThat(ids(new ApprovalQuery(null, Status.PENDING, null, 100)))
                .containsExactly(bobPending.id(), aliceStaging.id(), alicePending.id());
        assertThat(ids(new ApprovalQuery(null, Status.APPROVED, null, 100))).containsExactly(bobApproved.id());
        assertThat(ids(new ApprovalQuery(null, null, "prod", 100))).containsExactly(bobPending.id(), alicePending.id());
        assertThat(ids(new ApprovalQuery("bob", Status.PENDING, null, 100))).containsExactly(bobPending.id());
        assertThat(ids(new ApprovalQuery("bob", null, "staging", 100))).containsExactly(bobApproved.id());
        assertThat(ids(new ApprovalQuery(null, Status.PENDING, "staging", 100))).containsExactly(aliceStaging.id());
        assertThat(ids(new ApprovalQuery("alice", Status.PENDING, "prod", 100))).containsExactly(alicePending.id());
        assertThat(ids(new ApprovalQuery("alice", Status.APPROVED, null, 100))).isEmpty();
        assertThat(ids(new ApprovalQuery("nobody", null, null, 100))).isEmpty();
        assertThat(ids(new ApprovalQuery(null, null, null, 100))).hasSize(4);
    }

    @Test
    void listIsNewestFirstWithTiesBrokenByIdDescending() {
        List<ApprovalRequest> created = new ArrayList<>();
        created.add(pending(RequestId.random(), "alice", "prod", T0));
        created.add(pending(RequestId.random(), "alice", "prod", T0.plusMillis(1)));
        created.add(pending(RequestId.random(), "alice", "prod", T0.plusMillis(1)));
        created.add(pending(RequestId.random(), "alice", "prod", T0.plusMillis(1)));
        // 10:00:01 sorts before 09:59:59.500 as text; stores must compare instants.
        created.add(pending(RequestId.random(), "alice", "prod", T0.minusMillis(623)));
        created.add(pending(RequestId.random(), "alice", "prod", T0.plusSeconds(3600)));
        created.forEach(store()::create);

        List<RequestId> expected = newestFirst(created, request -> true);
        assertThat(ids(new ApprovalQuery(null, null, null, 100))).containsExactlyElementsOf(expected);
        assertThat(ids(new ApprovalQuery("alice", null, null, 100))).containsExactlyElementsOf(expected);
        assertThat(ids(new ApprovalQuery(null, Status.PENDING, null, 100))).containsExactlyElementsOf(expected);
        assertThat(ids(new ApprovalQuery(null, null, "prod", 100))).containsExactlyElementsOf(expected);
    }

    @Test
    void pagesVisitEveryRequestExactlyOnceInOrder() {
        List<ApprovalRequest> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // Groups of three share a creation time, so pages also split between equal times.
            created.add(pending(RequestId.random(), i % 2 == 0 ? "alice" : "bob", "prod", T0.plusMillis(i / 3)));
        }
        created.forEach(store()::create);
        List<RequestId> expected = newestFirst(created, request -> true);

        for (int limit : List.of(1, 4, 5, 23, 100)) {
            assertThat(walk(new ApprovalQuery(null, null, null, limit), limit))
                    .as("limit %d", limit)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(walk(new ApprovalQuery("alice", null, null, 3), 3))
                .containsExactlyElementsOf(
                        newestFirst(created, request -> request.requester().equals("alice")));
    }

    @Test
    void aSparseFilterStillFillsEveryPage() {
        List<ApprovalRequest> created = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean rare = i % 12 == 5;
            created.add(pending(RequestId.random(), rare ? "alice" : "bob", rare ? "prod" : "dev", T0.plusSeconds(i)));
        }
        created.forEach(store()::create);
        store().update(approvedBy(created.get(17), "carol", T0.plusSeconds(100)));

        assertThat(walk(new ApprovalQuery(null, null, "prod", 2), 2))
                .containsExactlyElementsOf(
                        newestFirst(created, request -> request.profile().equals("prod")));
        assertThat(walk(new ApprovalQuery("alice", Status.PENDING, null, 2), 2))
                .containsExactlyElementsOf(newestFirst(
                        created,
                        request -> request.requester().equals("alice")
                                && !request.id().equals(created.get(17).id())));
        assertThat(walk(new ApprovalQuery(null, Status.PENDING, "prod", 3), 3)).hasSize(4);
        assertThat(walk(new ApprovalQuery("bob", Status.APPROVED, "dev", 1), 1)).isEmpty();
    }

    private List<RequestId> ids(ApprovalQuery query) {
        Page<ApprovalRequest> page = store().list(query, null);
        assertThat(page.next()).as("everything fits in one page").isNull();
        return page.items().stream().map(ApprovalRequest::id).toList();
    }

    /**
     * Every page of {@code query}: each is full except the last, which is the only one without a next
     * token and is never empty unless it is the only page (a caller never fetches an empty page).
     */
    private List<RequestId> walk(ApprovalQuery query, int limit) {
        List<RequestId> seen = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 1000; pages++) {
            Page<ApprovalRequest> page = store().list(query, token);
            page.items().forEach(request -> seen.add(request.id()));
            if (page.next() == null) {
                assertThat(page.items().size()).isLessThanOrEqualTo(limit);
                if (pages > 0) {
                    assertThat(page.items())
                            .as("a page after a next token is not empty")
                            .isNotEmpty();
                }
                return seen;
            }
            assertThat(page.items()).as("a page followed by another is full").hasSize(limit);
            token = page.next();
        }
        throw new AssertionError("paging did not end: " + seen.size() + " items so far");
    }

    private static List<RequestId> newestFirst(List<ApprovalRequest> requests, Predicate<ApprovalRequest> filter) {
        return requests.stream()
                .filter(filter)
                .sorted(Comparator.comparing(ApprovalRequest::createdAt)
                        .thenComparing(request -> request.id().value())
                        .reversed())
                .map(ApprovalRequest::id)
                .toList();
    }
}
