package dev.sentinel.audit;

/** One line of the audit log: a decision or a workflow event. Holds no secret. */
public interface AuditRecord {
    /** The record as one JSON object whose {@code type} field says what it is, in a fixed field order. */
    String toJson();

    /**
     * Whether the record must be on disk before the caller goes on. Every record must, except one that
     * hands out again credentials that a record already on disk names: its write may be synced a moment
     * later (docs/audit.md says how much later).
     */
    default boolean syncAtOnce() {
        return true;
    }
}
