package dev.sentinel.approval;

import dev.sentinel.policy.NameSet;
import dev.sentinel.policy.TimeCondition;
import java.time.Duration;
import java.time.Instant;

/**
 * When a request is approved without an approver: every condition that is set must hold. {@code users}
 * null means any requester, {@code time} null any time, {@code maxDuration} null any duration the rule
 * allows. At least one is set.
 */
public record AutoApprove(NameSet users, TimeCondition time, Duration maxDuration) {
    public AutoApprove {
        if (users == null && time == null && maxDuration == null) {
            throw new IllegalArgumentException("auto_approve needs at least one condition");
        }
    }

    public boolean applies(String requester, Duration duration, Instant now) {
        return (users == null || users.matches(requester))
                && (time == null || time.matches(now))
                && (maxDuration == null || duration.compareTo(maxDuration) <= 0);
    }
}
