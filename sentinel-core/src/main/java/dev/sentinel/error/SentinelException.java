package dev.sentinel.error;

import static java.util.Objects.requireNonNull;

/**
 * The project's one exception type: a stable code, a message that names the input, and a hint that
 * says how to fix it. A policy denial is a decision, never this exception.
 */
public class SentinelException extends RuntimeException {
    private final ErrorCode code;
    private final String hint;

    public SentinelException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    public SentinelException(ErrorCode code, String message, String hint, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.hint = hint == null ? "" : hint;
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user can do about it; empty when there is nothing useful to say. */
    public String hint() {
        return hint;
    }

    public int exitCode() {
        return code.exitCode();
    }
}
