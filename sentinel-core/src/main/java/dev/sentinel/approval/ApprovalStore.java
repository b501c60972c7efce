package dev.sentinel.approval;

import dev.sentinel.identity.RequestId;
import dev.sentinel.store.Page;
import java.util.Optional;

/**
 * Port: where access requests live (SQLite on one machine; DynamoDB in team mode). Every change is a
 * conditional write on the version, so two approvers racing produce exactly one outcome. The store
 * keeps records; the state machine and its rules live in {@link ApprovalService}.
 *
 * <p>Every method throws {@link dev.sentinel.error.SentinelException} with {@code STATE_STORE_UNAVAILABLE}
 * when the store cannot be reached or read.
 */
public interface ApprovalStore {
    /**
     * Stores a new request (version 1).
     *
     * @throws dev.sentinel.error.SentinelException STATE_CONFLICT when a request with that id exists
     */
    void create(ApprovalRequest request);

    Optional<ApprovalRequest> get(RequestId id);

    /**
     * Replaces the stored request with {@code next} if the stored version is {@code next.version() - 1}.
     *
     * @throws dev.sentinel.error.SentinelException STATE_CONFLICT when the stored version differs (someone
     *     else changed it first), APPROVAL_NOT_FOUND when there is no such request
     */
    void update(ApprovalRequest next);

    /**
     * Requests matching {@code query}, newest first (by creation time, then id), one page at a time.
     *
     * @param pageToken null for the first page, else the {@code next} of the previous page
     */
    Page<ApprovalRequest> list(ApprovalQuery query, String pageToken);
}
