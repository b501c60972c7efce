package dev.sentinel.cli;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;

/** Sentinel inside 'sentinel exec' would mix two decisions' credentials; it is refused. */
final class Nesting {
    static final String MARKER = "AWS_SENTINEL";

    private Nesting() {}

    static void refuseInsideExec(Platform platform) {
        String outer = platform.env(MARKER);
        if (outer != null) {
            throw new SentinelException(
                    ErrorCode.NESTED_SENTINEL,
                    "Already running inside 'sentinel exec' for profile '" + outer
                            + "'; nested Sentinel calls are refused.",
                    "Exit the 'sentinel exec' shell first, or run the command in a new terminal.");
        }
    }
}
