package dev.sentinel.local.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.approval.ApprovalPolicyParser;
import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalRequest.Status;
import dev.sentinel.approval.ApprovalService;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.approval.SqliteApprovalStore;
import dev.sentinel.notify.LifecycleEvent;
import dev.sentinel.notify.WorkflowEvents;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.MutableClock;
import dev.sentinel.testing.RecordingAuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval workflow on the embedded store (a real SQLite file), refusal paths first. */
class ApprovalWorkflowTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final ProfileName PROD = new ProfileName("prod-admin");
    private static final ProfileName DEV = new ProfileName("dev");
    private static final String POLICY =
            """
            version: "1"
            pending_expiry: 2h
            rules:
              - name: prod
                profiles: [prod-admin]
                approvers: [bob, carol, alice]
                approvals_required: 2
                max_duration: 4h
              - name: dev
                profiles: [dev]
                approvers: [bob]
                auto_approve:
                  users: [alice]
                  max_duration: 1h
            """;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<LifecycleEvent> notified = new ArrayList<>();
    private ApprovalService approvals;

    private static CallerIdentity user(String name) {
        return CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + name);
    }

    @BeforeEach
    void open() {
        approvals = service(POLICY);
    }

    private ApprovalService service(String policyText) {
        return new ApprovalService(
                new SqliteApprovalStore(dir.resolve("state.db")),
                () -> ApprovalPolicyParser.parse("approvals.yaml", policyText),
                new WorkflowEvents(audit, notified::add),
                clock,
                RequestId::random);
    }

    private static void refused(ThrowingCallable call, ErrorCode code, String text) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(text)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    private ApprovalRequest pendingRequest() {
        return approvals.request(user("alice"), PROD, Duration.ofHours(1), "INC-1234 restart workers");
    }

    @Test
    void aProfileNoRuleCoversCannotBeRequested() {
        refused(
                () -> approvals.request(
                        user("alice"), new ProfileName("other"), Duration.ofHours(1), "because I need it"),
                ErrorCode.APPROVAL_NOT_CONFIGURED,
                "other");
    }

    @Test
    void badDurationsAndJustificationsAreRefused() {
        refused(
                () -> approvals.request(user("alice"), PROD, Duration.ofHours(5), "INC-1234 restart workers"),
                ErrorCode.USAGE,
                "4h");
        refused(
                () -> approvals.request(user("alice"), PROD, Duration.ofMinutes(10), "INC-1234 restart workers"),
                ErrorCode.USAGE,
                "15m");
        refused(
                () -> approvals.request(user("alice"), PROD, Duration.ofHours(1), "short"),
                ErrorCode.USAGE,
                "10 to 500");
    }

    @Test
    void aSecondPendingRequestForTheSameProfileIsRefused() {
        ApprovalRequest first = pendingRequest();
        refused(this::pendingRequest, ErrorCode.STATE_CONFLICT, first.id().value());
    }

    @Test
    void requestersCannotApproveTheirOwnRequestEvenWhenListedAsApprovers() {
        ApprovalRequest request = pendingRequest();
        refused(() -> approvals.approve(user("alice"), request.id(), null), ErrorCode.APPROVER_NOT_ALLOWED, "your own");
    }

    @Test
    void onlyApproversOfTheRuleMayApproveOrDeny() {
        ApprovalRequest request = pendingRequest();
        refused(
                () -> approvals.approve(user("mallory"), request.id(), null),
                ErrorCode.APPROVER_NOT_ALLOWED,
                "mallory");
        refused(() -> approvals.deny(user("mallory"), request.id(), null), ErrorCode.APPROVER_NOT_ALLOWED, "mallory");
        assertThat(approvals.check(request.id()).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void theWindowOpensOnlyWithTheRequiredNumberOfDistinctApprovals() {
        ApprovalRequest request = pendingRequest();
        clock.advance(Duration.ofMinutes(30));
        ApprovalRequest once = approvals.approve(user("bob"), request.id(), "looks fine");
        assertThat(once.status()).isEqualTo(Status.PENDING);
        assertThat(approvals.windows().openWindow("alice", PROD, clock.instant()))
                .isEmpty();
        refused(() -> approvals.approve(user("bob"), request.id(), null), ErrorCode.STATE_CONFLICT, "already approved");

        clock.advance(Duration.ofMinutes(10));
        ApprovalRequest approved = approvals.approve(user("carol"), request.id(), null);

        assertThat(approved.status()).isEqualTo(Status.APPROVED);
        assertThat(approved.accessStart()).isEqualTo(T0.plus(Duration.ofMinutes(40)));
        assertThat(approved.expiresAt()).isEqualTo(approved.accessStart().plus(Duration.ofHours(1)));
        assertThat(approvals.windows().openWindow("alice", PROD, clock.instant()))
                .get()
                .extracting(ApprovalRequest::id)
                .isEqualTo(request.id());
        assertThat(approvals.windows().openWindow("bob", PROD, clock.instant())).isEmpty();
        assertThat(audit.events)
                .extracting(LifecycleEvent::type)
                .containsExactly("request.created", "request.approval_added", "request.approved");
        assertThat(notified)
                .extracting(LifecycleEvent::type)
                .containsExactlyElementsOf(
                        audit.events.stream().map(LifecycleEvent::type).toList());
    }

    @Test
    void twoApproversRacingForTheLastApprovalProduceExactlyOneOutcome() throws Exception {
        ApprovalService racing = service(POLICY.replace("approvals_required: 2", "approvals_required: 1"));
        approvals = racing;
        ApprovalRequest request = pendingRequest();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<ApprovalRequest>> calls = List.of(
                    () -> racing.approve(user("bob"), request.id(), null),
                    () -> racing.approve(user("carol"), request.id(), null));
            int won = 0;
            int lost = 0;
            for (Future<ApprovalRequest> result : pool.invokeAll(calls)) {
                try {
                    result.get();
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(SentinelException.class);
                    assertThat(((SentinelException) e.getCause()).code()).isEqualTo(ErrorCode.STATE_CONFLICT);
                    lost++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(lost).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(racing.check(request.id()).status()).isEqualTo(Status.APPROVED);
    }

    @Test
    void aPendingRequestExpiresAndTheExpiryIsRecorded() {
        ApprovalRequest request = pendingRequest();
        clock.advance(Duration.ofHours(2));

        refused(() -> approvals.approve(user("bob"), request.id(), null), ErrorCode.STATE_CONFLICT, "expired");

        SqliteApprovalStore store = new SqliteApprovalStore(dir.resolve("state.db"));
        assertThat(store.get(request.id()).orElseThrow().status()).isEqualTo(Status.EXPIRED);
        assertThat(audit.events).extracting(LifecycleEvent::type).contains("request.expired");
    }

    @Test
    void anApprovedWindowClosesAfterItsDurationAndIsRecordedAsExpired() {
        ApprovalRequest request = pendingRequest();
        approvals.approve(user("bob"), request.id(), null);
        approvals.approve(user("carol"), request.id(), null);
        clock.advance(Duration.ofMinutes(59));
        assertThat(approvals.windows().openWindow("alice", PROD, clock.instant()))
                .isPresent();

        clock.advance(Duration.ofMinutes(1));

        assertThat(approvals.windows().openWindow("alice", PROD, clock.instant()))
                .isEmpty();
        assertThat(approvals.check(request.id()).status()).isEqualTo(Status.EXPIRED);
    }

    @Test
    void denyingAnApprovedRequestEndsItsWindow() {
        ApprovalRequest request = pendingRequest();
        approvals.approve(user("bob"), request.id(), null);
        approvals.approve(user("carol"), request.id(), null);

        ApprovalRequest denied = approvals.deny(user("bob"), request.id(), "wrong change");

        assertThat(denied.status()).isEqualTo(Status.DENIED);
        assertThat(denied.comment()).isEqualTo("wrong change");
        assertThat(approvals.windows().openWindow("alice", PROD, clock.instant()))
                .isEmpty();
    }

    @Test
    void onlyTheRequesterMayCancel() {
        ApprovalRequest request = pendingRequest();
        refused(() -> approvals.cancel(user("bob"), request.id(), null), ErrorCode.APPROVER_NOT_ALLOWED, "requester");

        ApprovalRequest cancelled = approvals.cancel(user("alice"), request.id(), "not needed");

        assertThat(cancelled.status()).isEqualTo(Status.CANCELLED);
        refused(() -> approvals.approve(user("bob"), request.id(), null), ErrorCode.STATE_CONFLICT, "cancelled");
    }

    @Test
    void autoApprovalOpensTheWindowAtOnceWithinItsConditions() {
        ApprovalRequest auto =
                approvals.request(user("alice"), DEV, Duration.ofHours(1), "routine deploy of service x");
        assertThat(auto.status()).isEqualTo(Status.APPROVED);
        assertThat(auto.autoApproved()).isTrue();
        assertThat(approvals.windows().openWindow("alice", DEV, clock.instant()))
                .isPresent();

        ApprovalRequest tooLong =
                approvals.request(user("dave"), DEV, Duration.ofHours(1), "routine deploy of service y");
        assertThat(tooLong.status()).isEqualTo(Status.PENDING);
    }

    @Test
    void aWindowTheCurrentPolicyNoLongerStandsBehindGrantsNothing() {
        ApprovalRequest request = pendingRequest();
        approvals.approve(user("bob"), request.id(), null);
        approvals.approve(user("carol"), request.id(), null);

        ApprovalService stricter = service(POLICY.replace("approvers: [bob, carol, alice]", "approvers: [bob, dave]"));

        assertThat(stricter.windows().openWindow("alice", PROD, clock.instant()))
                .isEmpty();
    }

    @Test
    void unknownIdsAreReportedAsNotFound() {
        refused(() -> approvals.check(new RequestId("aaaaaaaaaa")), ErrorCode.APPROVAL_NOT_FOUND, "aaaaaaaaaa");
    }

    @Test
    void listingSettlesExpiredRequestsAndFiltersByStatus() {
        ApprovalRequest request = pendingRequest();
        clock.advance(Duration.ofHours(3));

        assertThat(approvals
                        .list(new ApprovalQuery("alice", Status.PENDING, null, 10), null)
                        .items())
                .isEmpty();
        assertThat(approvals
                        .list(new ApprovalQuery("alice", null, null, 10), null)
                        .items())
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.id()).isEqualTo(request.id());
                    assertThat(r.status()).isEqualTo(Status.EXPIRED);
                });
    }

    @Test
    void aStateChangeThatCannotBeLoggedIsReportedButStands() {
        ApprovalRequest request = pendingRequest();
        audit.failWith = new IllegalStateException("disk full");

        refused(() -> approvals.approve(user("bob"), request.id(), null), ErrorCode.AUDIT_LOG_UNAVAILABLE, "disk full");

        assertThat(approvals.check(request.id()).approvals()).hasSize(1);
        assertThat(notified).extracting(LifecycleEvent::type).contains("request.approval_added");
    }
}
