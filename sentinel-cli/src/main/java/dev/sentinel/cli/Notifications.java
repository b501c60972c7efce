package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.local.notify.WebhookNotifier;
import dev.sentinel.notify.Notifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The notifiers config.yaml asks for (webhook, SNS), as one. Waiting webhook deliveries from earlier
 * commands are retried first. Problems are printed on stderr and never fail the command.
 */
final class Notifications {
    /** The most one notification may hold up a command; what is not delivered by then waits in the outbox. */
    static final Duration BUDGET = Duration.ofSeconds(3);

    private final Platform platform;
    private final SentinelHome home;
    private final WorkflowConfig config;
    private final AwsAdapters aws;

    Notifications(Platform platform, SentinelHome home, WorkflowConfig config, AwsAdapters aws) {
        this.platform = requireNonNull(platform, "platform is null");
        this.home = requireNonNull(home, "home is null");
        this.config = requireNonNull(config, "config is null");
        this.aws = requireNonNull(aws, "aws is null");
    }

    Notifier notifier() {
        Consumer<String> warnings = message -> platform.err().println("sentinel: warning: " + message);
        List<Notifier> notifiers = new ArrayList<>();
        if (config.webhookUrl() != null) {
            WebhookNotifier webhook = new WebhookNotifier(
                    config.webhookUrl(), secret(config.webhookSecret()), home.webhookOutbox(), BUDGET, warnings);
            webhook.flush();
            notifiers.add(webhook);
        }
        if (config.snsTopicArn() != null) {
            notifiers.add(aws.snsNotifier(
                    Profiles.parse(config.snsTarget().awsProfile()),
                    config.snsTarget().region(),
                    config.snsTopicArn(),
                    warnings));
        }
        return switch (notifiers.size()) {
            case 0 -> Notifier.NONE;
            case 1 -> notifiers.get(0);
            default -> event -> notifiers.forEach(n -> n.notify(event));
        };
    }

    /** The shared secret: the file's text without surrounding whitespace, from an owner-only file. */
    private static byte[] secret(Path file) {
        try {
            PrivateFiles.requireOwnerOnly(file);
            return Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read the webhook secret " + file + ": " + e.getMessage(),
                    "Create it with 'openssl rand -hex 32 > " + file + " && chmod 600 " + file + "'.",
                    e);
        }
    }
}
