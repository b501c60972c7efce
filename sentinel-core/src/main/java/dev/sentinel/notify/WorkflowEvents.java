package dev.sentinel.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditSink;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;

/**
 * Publishes a workflow event after its state change was stored: into the audit log, and to the notifiers.
 * Notifiers run even when the log cannot be written; the log failure is then reported to the caller.
 */
public final class WorkflowEvents {
    private final AuditSink audit;
    private final Notifier notifier;

    public WorkflowEvents(AuditSink audit, Notifier notifier) {
        this.audit = requireNonNull(audit, "audit is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
    }

    public void publish(LifecycleEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            throw new SentinelException(
                    ErrorCode.AUDIT_LOG_UNAVAILABLE,
                    "The " + event.type() + " of " + event.id()
                            + " was stored, but could not be written to the audit log: " + e.getMessage(),
                    "Fix the audit log (see 'sentinel audit verify-logs'); the change itself stands.",
                    e);
        } finally {
            notifier.notify(event);
        }
    }
}
