package dev.sentinel.mfa;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks a second factor: a TOTP code (RFC 6238), accepted once, or an SMS code sent in an earlier command
 * and kept as a stored challenge, good for one attempt. Codes never reach a log or a message.
 */
public final class SecondFactor {
    public static final Duration SMS_CODE_LIFETIME = Duration.ofMinutes(5);
    private static final Totp TOTP = new Totp();

    private final MfaDirectory directory;
    private final MfaStore store;
    private final CodeSender sender;
    private final Supplier<RequestId> ids;

    /** @param sender sends SMS codes, or null when SMS is not set up */
    public SecondFactor(MfaDirectory directory, MfaStore store, CodeSender sender, Supplier<RequestId> ids) {
        this.directory = requireNonNull(directory, "directory is null");
        this.store = requireNonNull(store, "store is null");
        this.sender = sender;
        this.ids = requireNonNull(ids, "ids is null");
    }

    /**
     * Verifies {@code response} for {@code user} by one of {@code methods} and returns the method used.
     *
     * @throws SentinelException MFA_REQUIRED when no code was given (saying how to give one),
     *     MFA_CHALLENGE_SENT after sending an SMS code (naming the challenge), MFA_INVALID when the code is
     *     wrong, used, expired or not the user's
     */
    public String verify(String user, Set<String> methods, MfaResponse response, Instant now) {
        boolean totp = methods.contains("totp") && directory.totpSecret(user).isPresent();
        boolean sms = methods.contains("sms")
                && sender != null
                && directory.phone(user).isPresent();
        if (!totp && !sms) {
            throw new SentinelException(
                    ErrorCode.MFA_REQUIRED,
                    "A second factor ("
                            + String.join(" or ", methods.stream().sorted().toList())
                            + ") is required, but none is set up for " + user + ".",
                    "Ask an administrator to enrol your TOTP secret or phone number (see docs/breakglass.md).");
        }
        if (response != null && response.sendSms()) {
            if (!sms) {
                throw new SentinelException(
                        ErrorCode.MFA_REQUIRED,
                        "SMS codes are not available for " + user + ".",
                        "Use --mfa-code with your authenticator app's code.");
            }
            throw sendChallenge(user, now);
        }
        if (response == null || response.code() == null) {
            throw new SentinelException(
                    ErrorCode.MFA_REQUIRED,
                    "This break-glass rule requires a second factor.",
                    totp
                            ? "Pass --mfa-code with the code from your authenticator app"
                                    + (sms ? ", or --mfa-sms to be sent a code." : ".")
                            : "Pass --mfa-sms to be sent a code, then run again with --mfa-challenge-id and --mfa-code.");
        }
        if (response.challenge() != null) {
            if (!sms) {
                throw invalid("SMS codes are not allowed by this rule or not set up for " + user + ".");
            }
            MfaChallenge challenge = store.takeChallenge(response.challenge())
                    .orElseThrow(
                            () -> invalid("Challenge " + response.challenge() + " is unknown or was already used."));
            if (!challenge.user().equals(user)) {
                throw invalid("Challenge " + response.challenge() + " was not sent to " + user + ".");
            }
            if (!now.isBefore(challenge.expiresAt())) {
                throw invalid("The code for challenge " + response.challenge() + " has expired.");
            }
            if (!OneTimeCode.matches(response.code(), challenge.codeHash())) {
                throw invalid("The code for challenge " + response.challenge()
                        + " is wrong; a challenge allows one attempt.");
            }
            return "sms";
        }
        if (!totp) {
            throw invalid("TOTP codes are not allowed by this rule or not set up for " + user + "; use --mfa-sms.");
        }
        OptionalLong step = TOTP.matchingStep(directory.totpSecret(user).get(), response.code(), now);
        if (step.isEmpty()) {
            throw invalid("The TOTP code is wrong or too old.");
        }
        if (!store.claimTotpStep(user, step.getAsLong())) {
            throw invalid("This TOTP code was already used; a code is accepted once.");
        }
        return "totp";
    }

    private SentinelException sendChallenge(String user, Instant now) {
        String phone = directory.phone(user).orElseThrow();
        String code = OneTimeCode.generate();
        RequestId id = ids.get();
        store.saveChallenge(new MfaChallenge(id, user, "sms", OneTimeCode.hash(code), now.plus(SMS_CODE_LIFETIME)));
        sender.send(phone, "Sentinel break-glass code: " + code + " (valid 5 minutes)");
        String masked = phone.length() > 4 ? "…" + phone.substring(phone.length() - 4) : "…";
        return new SentinelException(
                ErrorCode.MFA_CHALLENGE_SENT,
                "A code was sent by SMS to " + masked + " (challenge " + id + ", valid 5 minutes).",
                "Run the same command again with --mfa-challenge-id " + id + " --mfa-code <code>.");
    }

    private static SentinelException invalid(String message) {
        return new SentinelException(ErrorCode.MFA_INVALID, message, "Try again with a fresh code.");
    }
}
