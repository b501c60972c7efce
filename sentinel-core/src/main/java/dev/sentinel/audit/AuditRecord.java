package dev.sentinel.audit;

/** One line of the audit log: a decision or a workflow event. Holds no secret. */
public interface AuditRecord {
    /** The record as one JSON object whose {@code type} field says what it is, in a fixed field order. */
    String toJson();
}
