package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One break-glass event: an emergency window for one user on one profile, from {@code createdAt} to
 * {@code expiresAt}. {@code mfaMethod} is null when no MFA was asked for; {@code escalated} says the
 * invoker crossed the policy's escalation threshold. {@code closedBy}, {@code closedReason} and
 * {@code closedAt} are set once closed. {@code version} works as in
 * {@link dev.sentinel.approval.ApprovalRequest}.
 */
public record BreakGlassEvent(
        RequestId id,
        String invoker,
        String invokerArn,
        String profile,
        ReasonCode reasonCode,
        String justification,
        Status status,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Duration duration,
        String mfaMethod,
        boolean escalated,
        String closedBy,
        String closedReason,
        Instant closedAt,
        long version) {

    public enum Status {
        ACTIVE,
        CLOSED,
        EXPIRED;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BreakGlassEvent {
        requireNonNull(id, "id is null");
        requireNonNull(invoker, "invoker is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(reasonCode, "reasonCode is null");
        requireNonNull(justification, "justification is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(duration, "duration is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1");
        }
    }

    /** The status as of {@code now}: an active event past its end is expired. */
    public Status statusAt(Instant now) {
        return status == Status.ACTIVE && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
    }

    /** The next version of this event, changed at {@code now}. */
    public BreakGlassEvent next(Status newStatus, Instant now, String by, String reason) {
        return new BreakGlassEvent(
                id,
                invoker,
                invokerArn,
                profile,
                reasonCode,
                justification,
                newStatus,
                createdAt,
                now,
                expiresAt,
                duration,
                mfaMethod,
                escalated,
                by,
                reason,
                newStatus == Status.CLOSED ? now : closedAt,
                version + 1);
    }
}
