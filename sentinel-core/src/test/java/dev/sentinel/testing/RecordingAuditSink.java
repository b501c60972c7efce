package dev.sentinel.testing;

import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.DecisionEntry;
import java.util.ArrayList;
import java.util.List;

/** Keeps entries in memory; can be told to fail, to test fail-closed paths. */
public final class RecordingAuditSink implements AuditSink {
    public final List<DecisionEntry> entries = new ArrayList<>();
    public RuntimeException failWith;

    @Override
    public void record(DecisionEntry entry) {
        if (failWith != null) {
            throw failWith;
        }
        entries.add(entry);
    }
}
