package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.NameSet;
import java.time.Duration;

/**
 * Who may approve access to which profiles. {@code profiles} null means any profile. At least
 * {@code approvalsRequired} distinct approvers from {@code approvers} must approve; the requester counts
 * only when {@code allowSelfApproval}. {@code maxDuration} caps the access window a request may ask for.
 * {@code autoApprove} is null when nothing is approved automatically.
 */
public record ApprovalRule(
        String name,
        NameSet profiles,
        NameSet approvers,
        int approvalsRequired,
        boolean allowSelfApproval,
        Duration maxDuration,
        AutoApprove autoApprove) {
    public ApprovalRule {
        requireNonNull(name, "name is null");
        requireNonNull(approvers, "approvers is null");
        requireNonNull(maxDuration, "maxDuration is null");
        if (approvalsRequired < 1) {
            throw new IllegalArgumentException("approvalsRequired must be at least 1");
        }
    }

    public boolean coversProfile(String profile) {
        return profiles == null || profiles.matches(profile);
    }
}
