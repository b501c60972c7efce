package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalRequest.Status;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.store.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read side of the approval workflow that the gate needs: open access windows and requests still
 * waiting. It only reads, so a server that lets approved requests through (the Lambda function) needs no
 * notifier and writes nothing. An approved request counts only while the current approval policy still
 * stands behind it.
 */
public final class ApprovalWindows {
    private static final int PAGE = 200;

    private final ApprovalStore store;
    private final Supplier<ApprovalPolicy> policy;

    public ApprovalWindows(ApprovalStore store, Supplier<ApprovalPolicy> policy) {
        this.store = requireNonNull(store, "store is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    /**
     * The approved request whose window is open for {@code user} on {@code profile}, and that the current
     * approval policy still stands behind (approvers allowed, enough of them, self-approval only where a
     * rule allows it). Of several, the one whose window closes last.
     */
    public Optional<ApprovalRequest> openWindow(String user, ProfileName profile, Instant now) {
        ApprovalRequest best = null;
        for (ApprovalRequest request : all(new ApprovalQuery(user, Status.APPROVED, profile.value(), PAGE))) {
            if (request.grantsAccessAt(now)
                    && stillPermitted(request)
                    && (best == null || request.expiresAt().isAfter(best.expiresAt()))) {
                best = request;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The request of {@code user} on {@code profile} that is still waiting for approval at {@code now}. */
    public Optional<ApprovalRequest> pending(String user, ProfileName profile, Instant now) {
        for (ApprovalRequest request : all(new ApprovalQuery(user, Status.PENDING, profile.value(), PAGE))) {
            if (request.statusAt(now) == Status.PENDING) {
                return Optional.of(request);
            }
        }
        return Optional.empty();
    }

    private List<ApprovalRequest> all(ApprovalQuery query) {
        List<ApprovalRequest> found = new ArrayList<>();
        String token = null;
        do {
            Page<ApprovalRequest> page = store.list(query, token);
            found.addAll(page.items());
            token = page.next();
        } while (token != null);
        return found;
    }

    private boolean stillPermitted(ApprovalRequest request) {
        Optional<ApprovalRule> found = policy.get().ruleFor(request.profile());
        if (found.isEmpty()) {
            return false;
        }
        ApprovalRule rule = found.get();
        if (request.duration().compareTo(rule.maxDuration()) > 0) {
            return false;
        }
        if (request.autoApproved()) {
            return rule.autoApprove() != null
                    && (rule.autoApprove().users() == null
                            || rule.autoApprove().users().matches(request.requester()))
                    && (rule.autoApprove().maxDuration() == null
                            || request.duration().compareTo(rule.autoApprove().maxDuration()) <= 0);
        }
        long valid = request.approvals().stream()
                .map(Approval::approver)
                .distinct()
                .filter(a -> rule.approvers().matches(a))
                .filter(a -> rule.allowSelfApproval() || !a.equals(request.requester()))
                .count();
        return valid >= rule.approvalsRequired();
    }
}
