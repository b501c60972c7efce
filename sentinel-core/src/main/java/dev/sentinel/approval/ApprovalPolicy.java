package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The approval policy: for each profile, the first rule that covers it says who approves. A profile no
 * rule covers cannot be requested. {@code pendingExpiry} is how long a request waits for approval.
 */
public record ApprovalPolicy(Duration pendingExpiry, List<ApprovalRule> rules) {
    public static final Duration DEFAULT_PENDING_EXPIRY = Duration.ofHours(24);
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(8);

    public ApprovalPolicy {
        requireNonNull(pendingExpiry, "pendingExpiry is null");
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
    }

    public Optional<ApprovalRule> ruleFor(String profile) {
        for (ApprovalRule rule : rules) {
            if (rule.coversProfile(profile)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
