package dev.sentinel.testing;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.notify.LifecycleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps records in memory; can be told to fail, to test fail-closed paths. */
public final class RecordingAuditSink implements AuditSink {
    /** The decisions recorded. */
    public final List<DecisionEntry> entries = new ArrayList<>();
    /** The workflow events recorded. */
    public final List<LifecycleEvent> events = new ArrayList<>();
    /** Every decision the sink was asked to record, including those it failed on. */
    public final List<DecisionEntry> attempted = new ArrayList<>();

    public RuntimeException failWith;
    /** Which records {@link #failWith} is thrown for; null means every record. */
    public Predicate<AuditRecord> failWhen;

    @Override
    public void record(AuditRecord record) {
        if (record instanceof DecisionEntry entry) {
            attempted.add(entry);
        }
        if (failWith != null && (failWhen == null || failWhen.test(record))) {
            throw failWith;
        }
        if (record instanceof DecisionEntry entry) {
            entries.add(entry);
        } else if (record instanceof LifecycleEvent event) {
            events.add(event);
        }
    }
}
