package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One approver's approval of a request. {@code comment} may be null. */
public record Approval(String approver, Instant at, String comment) {
    public Approval {
        requireNonNull(approver, "approver is null");
        requireNonNull(at, "at is null");
    }
}
