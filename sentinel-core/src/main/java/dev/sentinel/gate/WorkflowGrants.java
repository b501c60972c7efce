package dev.sentinel.gate;

import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalWindows;
import dev.sentinel.breakglass.BreakGlassWindows;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import java.time.Instant;
import java.util.Optional;

/**
 * The gate's ways past a refusal, backed by the approval and break-glass workflows. Either may be null
 * when it is not set up, and then it grants nothing.
 */
public final class WorkflowGrants implements GrantLookup {
    private final ApprovalWindows approvals;
    private final BreakGlassWindows breakGlass;

    public WorkflowGrants(ApprovalWindows approvals, BreakGlassWindows breakGlass) {
        this.approvals = approvals;
        this.breakGlass = breakGlass;
    }

    @Override
    public Optional<Window> approval(String user, ProfileName profile, Instant now) {
        return approvals == null
                ? Optional.empty()
                : approvals.openWindow(user, profile, now).map(r -> new Window(Grant.approval(r.id()), r.expiresAt()));
    }

    @Override
    public Optional<RequestId> pendingApproval(String user, ProfileName profile, Instant now) {
        return approvals == null
                ? Optional.empty()
                : approvals.pending(user, profile, now).map(ApprovalRequest::id);
    }

    @Override
    public Optional<Window> breakGlass(String user, ProfileName profile, Instant now) {
        return breakGlass == null
                ? Optional.empty()
                : breakGlass
                        .activeEvent(user, profile, now)
                        .map(e -> new Window(Grant.breakGlass(e.id()), e.expiresAt()));
    }
}
