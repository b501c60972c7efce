package dev.sentinel.mfa;

import dev.sentinel.identity.RequestId;

/**
 * What the user brings to a step that needs a second factor: a code from their authenticator app
 * ({@code challenge} null), a code they received for {@code challenge}, or a request to be sent an SMS code
 * ({@code sendSms}, no code yet).
 */
public record MfaResponse(String code, RequestId challenge, boolean sendSms) {
    public static MfaResponse totp(String code) {
        return new MfaResponse(code, null, false);
    }

    public static MfaResponse sms(RequestId challenge, String code) {
        return new MfaResponse(code, challenge, false);
    }

    public static MfaResponse sendSmsCode() {
        return new MfaResponse(null, null, true);
    }
}
