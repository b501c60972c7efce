package dev.sentinel.cli;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.RequestId;
import java.io.PrintStream;

/** How errors and refusals look on stderr: the stable code, the message, the decision id, the fix. */
final class Errors {
    private Errors() {}

    /** Reports a refusal from the gate and returns the exit code it maps to. */
    static int refused(PrintStream err, Outcome.Refused refused) {
        report(err, refused.code(), refused.message(), refused.hint(), refused.decisionId());
        return refused.code().exitCode();
    }

    static void report(PrintStream err, ErrorCode code, String message, String hint, RequestId decisionId) {
        StringBuilder text = new StringBuilder("sentinel: ")
                .append(code.name())
                .append(": ")
                .append(message)
                .append('\n');
        if (decisionId != null) {
            text.append("  decision id: ").append(decisionId.value()).append('\n');
        }
        if (hint != null && !hint.isEmpty()) {
            text.append("  fix: ").append(hint).append('\n');
        }
        err.print(text);
        err.flush();
    }
}
