package dev.sentinel.testing;

import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.DecisionEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps entries in memory; can be told to fail, to test fail-closed paths. */
public final class RecordingAuditSink implements AuditSink {
    public final List<DecisionEntry> entries = new ArrayList<>();
    /** Every entry the sink was asked to record, including those it failed on. */
    public final List<DecisionEntry> attempted = new ArrayList<>();

    public RuntimeException failWith;
    /** Which entries {@link #failWith} is thrown for; null means every entry. */
    public Predicate<DecisionEntry> failWhen;

    @Override
    public void record(DecisionEntry entry) {
        attempted.add(entry);
        if (failWith != null && (failWhen == null || failWhen.test(entry))) {
            throw failWith;
        }
        entries.add(entry);
    }
}
