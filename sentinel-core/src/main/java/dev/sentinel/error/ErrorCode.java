package dev.sentinel.error;

/**
 * Stable error codes. Names never change once released; users and scripts quote them. A code's exit code
 * and HTTP status are its category's, except where HTTP has a sharper status than the category (401 for
 * a caller who proved no identity, 404 for a profile a server does not know, 429 for too many requests);
 * those few are listed here with their status, so this enum and {@link ErrorCategory} stay the one table.
 */
public enum ErrorCode {
    INTERNAL_ERROR(ErrorCategory.INTERNAL),

    USAGE(ErrorCategory.USAGE),
    NESTED_SENTINEL(ErrorCategory.USAGE),
    PROFILE_NOT_REGISTERED(ErrorCategory.USAGE, 404),
    APPROVAL_NOT_FOUND(ErrorCategory.USAGE),
    BREAKGLASS_NOT_FOUND(ErrorCategory.USAGE),

    POLICY_DENIED(ErrorCategory.DENIED),
    POLICY_NO_MATCH(ErrorCategory.DENIED),
    SERVER_MODE_REQUIRED(ErrorCategory.DENIED),
    SESSION_REVOKED(ErrorCategory.DENIED),
    SESSION_EXPIRED(ErrorCategory.DENIED),
    SESSION_NOT_FOUND(ErrorCategory.DENIED),
    APPROVER_NOT_ALLOWED(ErrorCategory.DENIED),
    APPROVAL_DENIED(ErrorCategory.DENIED),
    STATE_CONFLICT(ErrorCategory.DENIED),
    BREAKGLASS_NOT_ALLOWED(ErrorCategory.DENIED),
    BREAKGLASS_ACTIVE(ErrorCategory.DENIED),
    RATE_LIMITED(ErrorCategory.DENIED, 429),
    UNAUTHENTICATED(ErrorCategory.DENIED, 401),
    IAM_AUTH_REQUIRED(ErrorCategory.DENIED),
    MFA_INVALID(ErrorCategory.DENIED),
    DURATION_TOO_SHORT(ErrorCategory.DENIED),

    APPROVAL_REQUIRED(ErrorCategory.APPROVAL),
    APPROVAL_PENDING(ErrorCategory.APPROVAL),
    MFA_CHALLENGE_SENT(ErrorCategory.APPROVAL),

    CONFIG_INVALID(ErrorCategory.CONFIGURATION),
    PROFILE_NOT_FOUND(ErrorCategory.CONFIGURATION),
    PROFILE_INVALID(ErrorCategory.CONFIGURATION),
    POLICY_NOT_FOUND(ErrorCategory.CONFIGURATION),
    POLICY_INVALID(ErrorCategory.CONFIGURATION),
    POLICY_TEST_FAILED(ErrorCategory.CONFIGURATION),
    POLICY_SIGNATURE_INVALID(ErrorCategory.CONFIGURATION),
    IDENTITY_INVALID(ErrorCategory.CONFIGURATION),
    MFA_REQUIRED(ErrorCategory.CONFIGURATION),
    LOCAL_STATE_ERROR(ErrorCategory.CONFIGURATION),
    SESSION_STORE_UNAVAILABLE(ErrorCategory.CONFIGURATION),
    STATE_STORE_UNAVAILABLE(ErrorCategory.CONFIGURATION),
    APPROVAL_POLICY_INVALID(ErrorCategory.CONFIGURATION),
    APPROVAL_NOT_CONFIGURED(ErrorCategory.CONFIGURATION),
    BREAKGLASS_POLICY_INVALID(ErrorCategory.CONFIGURATION),
    AUDIT_LOG_UNAVAILABLE(ErrorCategory.CONFIGURATION),
    AUDIT_LOG_TAMPERED(ErrorCategory.CONFIGURATION),

    CREDENTIALS_UNAVAILABLE(ErrorCategory.AWS),
    AWS_ACCESS_DENIED(ErrorCategory.AWS),
    AWS_UNREACHABLE(ErrorCategory.AWS),
    AWS_ERROR(ErrorCategory.AWS),
    IAM_POLICY_TOO_LARGE(ErrorCategory.AWS),
    REMOTE_SERVER_UNREACHABLE(ErrorCategory.AWS);

    private final ErrorCategory category;
    private final int httpStatus;

    ErrorCode(ErrorCategory category) {
        this(category, category.httpStatus());
    }

    ErrorCode(ErrorCategory category, int httpStatus) {
        this.category = category;
        this.httpStatus = httpStatus;
    }

    public ErrorCategory category() {
        return category;
    }

    /** The HTTP status a server answers with: the category's, or the sharper one listed with the code. */
    public int httpStatus() {
        return httpStatus;
    }

    public int exitCode() {
        return category.exitCode();
    }
}
