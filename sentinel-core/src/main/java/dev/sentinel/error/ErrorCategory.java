package dev.sentinel.error;

/**
 * The one table that maps an error category to a process exit code and an HTTP status (DESIGN.md 4.7).
 * Exit codes are part of the public contract: scripts branch on them.
 */
public enum ErrorCategory {
    INTERNAL(1, 500),
    USAGE(2, 400),
    DENIED(3, 403),
    APPROVAL(4, 403),
    CONFIGURATION(5, 500),
    AWS(6, 502);

    private final int exitCode;
    private final int httpStatus;

    ErrorCategory(int exitCode, int httpStatus) {
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
