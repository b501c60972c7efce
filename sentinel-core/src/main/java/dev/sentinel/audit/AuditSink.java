package dev.sentinel.audit;

/**
 * Port: where decisions and workflow events are recorded. Recording must be durable before credentials
 * are handed out.
 */
public interface AuditSink {
    /**
     * @throws dev.sentinel.error.SentinelException when the record could not be written; the gate then
     *     refuses, because nothing is issued without a record
     */
    void record(AuditRecord record);
}
