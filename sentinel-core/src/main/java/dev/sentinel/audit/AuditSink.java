package dev.sentinel.audit;

/** Port: where decisions are recorded. Recording must be durable before credentials are handed out. */
public interface AuditSink {
    /**
     * @throws dev.sentinel.error.SentinelException when the entry could not be recorded; the gate then
     *     refuses, because nothing is issued without a record
     */
    void record(DecisionEntry entry);
}
