package dev.sentinel.aws;

/** Supplies the current MFA code for a profile's {@code mfa_serial}; the CLI prompts or fails fast. */
@FunctionalInterface
public interface MfaTokenSource {
    /**
     * @throws dev.sentinel.error.SentinelException (MFA_REQUIRED) when no code can be obtained
     */
    String tokenFor(String profile, String mfaSerial);
}
