package dev.sentinel.lambda;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.LogChain;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.PrintStream;

/**
 * The decision log of the Lambda function: one JSON line per record on standard output, which Lambda
 * sends to CloudWatch Logs (one log stream per function instance). With a key, the lines of each instance
 * form a hash chain with an HMAC per line (DESIGN.md 4.6), so edits, deletions and reordering within a
 * stream are detectable; without one they are plain JSON. A line that cannot be written refuses the
 * request, as every audit sink does.
 */
final class JsonLinesAuditSink implements AuditSink {
    private final PrintStream out;
    private final LogChain chain;
    private long seq;
    private String prev = LogChain.GENESIS;

    /** @param chain the line chain, or null to write unchained lines */
    JsonLinesAuditSink(PrintStream out, LogChain chain) {
        this.out = requireNonNull(out, "out is null");
        this.chain = chain;
    }

    @Override
    public synchronized void record(AuditRecord record) {
        String json = record.toJson();
        String line = chain == null ? json : chain.seal(seq + 1, prev, json);
        out.println(line);
        out.flush();
        if (out.checkError()) {
            throw new SentinelException(
                    ErrorCode.AUDIT_LOG_UNAVAILABLE,
                    "Cannot write the decision log to standard output.",
                    "Check the function's logging configuration.");
        }
        if (chain != null) {
            seq++;
            prev = LogChain.hash(line);
        }
    }
}
