package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.SentinelException;
import dev.sentinel.notify.LifecycleEvent;
import dev.sentinel.notify.Notifier;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes lifecycle events to an SNS topic (docs/notifications.md): the event's JSON as the message,
 * {@code Sentinel <type> (<profile>)} as the subject, and the type as the String message attribute
 * {@code event}, which subscription filter policies can select on.
 *
 * <p>Never throws: a publish that fails becomes one warning (with the reason and a hint) and the event
 * is not kept. It blocks no longer than the client's own timeouts and retries allow, so the composition
 * root gives the client short ones.
 */
public final class SnsNotifier implements Notifier {
    /** SNS subjects must be shorter than 100 characters. */
    static final int MAX_SUBJECT = 99;

    private final SnsClient sns;
    private final String topicArn;
    private final Consumer<String> warnings;

    public SnsNotifier(SnsClient sns, String topicArn, Consumer<String> warnings) {
        this.sns = requireNonNull(sns, "sns is null");
        this.topicArn = requireNonNull(topicArn, "topicArn is null");
        this.warnings = requireNonNull(warnings, "warnings is null");
    }

    @Override
    public void notify(LifecycleEvent event) {
        try {
            requireNonNull(event, "event is null");
            sns.publish(b -> b.topicArn(topicArn)
                    .message(event.toJson())
                    .subject(subject(event))
                    .messageAttributes(Map.of(
                            "event",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue(event.type())
                                    .build())));
        } catch (SdkException e) {
            SentinelException error = AwsErrors.translate(
                    e,
                    "publish the " + event.type() + " notification to SNS topic " + topicArn,
                    SnsEndpoints.describe(sns));
            warn(error.getMessage() + " " + error.hint());
        } catch (RuntimeException e) {
            warn("Could not publish the notification to SNS topic " + topicArn + ": " + e.getMessage());
        }
    }

    /** {@code Sentinel <type> (<profile>)} in printable ASCII, as SNS requires, and short enough. */
    static String subject(LifecycleEvent event) {
        String text = "Sentinel " + event.type() + " (" + event.profile() + ")";
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_SUBJECT));
        for (int i = 0; i < text.length() && out.length() < MAX_SUBJECT; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private void warn(String message) {
        try {
            warnings.accept(message);
        } catch (RuntimeException ignored) {
            // A broken warning sink must not fail the command either.
        }
    }
}
