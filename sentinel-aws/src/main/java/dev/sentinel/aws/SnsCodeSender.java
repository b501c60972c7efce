package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.mfa.CodeSender;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Sends one-time codes as transactional SMS through SNS (a direct publish to the phone number, no
 * topic). Failures are errors, translated with a hint. Neither the message (it holds the code) nor the
 * full phone number appears in an error: the number is masked to its last four digits.
 */
public final class SnsCodeSender implements CodeSender {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Map<String, MessageAttributeValue> TRANSACTIONAL = Map.of(
            "AWS.SNS.SMS.SMSType",
            MessageAttributeValue.builder()
                    .dataType("String")
                    .stringValue("Transactional")
                    .build());

    private final SnsClient sns;

    public SnsCodeSender(SnsClient sns) {
        this.sns = requireNonNull(sns, "sns is null");
    }

    @Override
    public void send(String phoneNumber, String message) {
        requireNonNull(phoneNumber, "phoneNumber is null");
        requireNonNull(message, "message is null");
        if (!E164.matcher(phoneNumber).matches()) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The phone number " + mask(phoneNumber) + " is not in E.164 form.",
                    "Write it as + and the country code and number, digits only, for example +14155550100.");
        }
        try {
            sns.publish(b -> b.phoneNumber(phoneNumber).message(message).messageAttributes(TRANSACTIONAL));
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "send a one-time code by SMS to " + mask(phoneNumber), SnsEndpoints.describe(sns));
        }
    }

    /** All but the last four characters replaced, e.g. {@code +*******0100}. */
    static String mask(String phoneNumber) {
        int keep = Math.min(4, phoneNumber.length() / 2);
        int hidden = phoneNumber.length() - keep;
        return (phoneNumber.startsWith("+") ? "+" + "*".repeat(Math.max(0, hidden - 1)) : "*".repeat(hidden))
                + phoneNumber.substring(hidden);
    }
}
