package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An access request and where it stands. While pending, {@code expiresAt} is when the request lapses;
 * once approved, the access window runs from {@code accessStart} (the moment of the final approval) to
 * {@code expiresAt}. {@code decidedBy} and {@code comment} name who denied or cancelled it and why (or,
 * when approved, the final approver). {@code version} starts at 1 and grows by one with every stored
 * change; stores write a change only if the stored version is the one before it.
 */
public record ApprovalRequest(
        RequestId id,
        String requester,
        String requesterArn,
        String profile,
        Duration duration,
        String justification,
        Status status,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant accessStart,
        int approvalsRequired,
        List<Approval> approvals,
        String decidedBy,
        String comment,
        boolean autoApproved,
        long version) {

    public enum Status {
        PENDING,
        APPROVED,
        DENIED,
        CANCELLED,
        EXPIRED;

        public boolean terminal() {
            return this != PENDING && this != APPROVED;
        }

        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ApprovalRequest {
        requireNonNull(id, "id is null");
        requireNonNull(requester, "requester is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(justification, "justification is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
        approvals = List.copyOf(requireNonNull(approvals, "approvals is null"));
        if (approvalsRequired < 1) {
            throw new IllegalArgumentException("approvalsRequired must be at least 1");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1");
        }
        if (status == Status.APPROVED && accessStart == null) {
            throw new IllegalArgumentException("an approved request needs its access start");
        }
    }

    /** The status as of {@code now}: a pending request or an approved window past its end is expired. */
    public Status statusAt(Instant now) {
        return (status == Status.PENDING || status == Status.APPROVED) && !now.isBefore(expiresAt)
                ? Status.EXPIRED
                : status;
    }

    /** Whether the access window is open at {@code now}. */
    public boolean grantsAccessAt(Instant now) {
        return status == Status.APPROVED && !now.isBefore(accessStart) && now.isBefore(expiresAt);
    }

    /** This request changed at {@code now}: the next version, with the given status and fields. */
    public ApprovalRequest next(
            Status newStatus,
            Instant now,
            Instant newExpiresAt,
            Instant newAccessStart,
            List<Approval> newApprovals,
            String newDecidedBy,
            String newComment,
            boolean newAutoApproved) {
        return new ApprovalRequest(
                id,
                requester,
                requesterArn,
                profile,
                duration,
                justification,
                newStatus,
                createdAt,
                now,
                newExpiresAt,
                newAccessStart,
                approvalsRequired,
                newApprovals,
                newDecidedBy,
                newComment,
                newAutoApproved,
                version + 1);
    }
}
