package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.yaml.StrictYaml;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The settings of the approval and break-glass workflows and their notifications, the
 * {@code approvals}, {@code breakglass}, {@code mfa} and {@code notifications} sections of config.yaml
 * (docs/configuration.md). Absent sections mean the embedded defaults: policies in the Sentinel home,
 * state in its SQLite file, no notifications.
 */
record WorkflowConfig(
        Path approvalPolicy,
        AwsTable approvalTable,
        Path breakGlassPolicy,
        AwsTable breakGlassTable,
        Path mfaUsers,
        AwsTarget smsSender,
        URI webhookUrl,
        Path webhookSecret,
        String snsTopicArn,
        AwsTarget snsTarget) {

    /** Where an AWS call goes: the profile whose credentials make it, and the region (null: the profile's). */
    record AwsTarget(String awsProfile, String region) {
        AwsTarget {
            requireNonNull(awsProfile, "awsProfile is null");
        }
    }

    /** A DynamoDB table in team mode. */
    record AwsTable(String table, AwsTarget target) {
        AwsTable {
            requireNonNull(table, "table is null");
            requireNonNull(target, "target is null");
        }
    }

    static final List<String> SECTIONS = List.of("approvals", "breakglass", "mfa", "notifications");

    WorkflowConfig {
        requireNonNull(approvalPolicy, "approvalPolicy is null");
        requireNonNull(breakGlassPolicy, "breakGlassPolicy is null");
        requireNonNull(mfaUsers, "mfaUsers is null");
    }

    static WorkflowConfig defaults(SentinelHome home) {
        return new WorkflowConfig(
                home.root().resolve("approvals.yaml"),
                null,
                home.root().resolve("breakglass.yaml"),
                null,
                home.root().resolve("mfa-users.yaml"),
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * Reads the workflow sections of the top-level mapping, recording every problem in {@code yaml}.
     *
     * @param resolve turns a configured path into an absolute one (relative to the Sentinel home)
     */
    static WorkflowConfig parse(
            StrictYaml yaml, Map<String, Node> top, SentinelHome home, Function<String, Path> resolve) {
        WorkflowConfig defaults = defaults(home);
        Path approvalPolicy = defaults.approvalPolicy();
        AwsTable approvalTable = null;
        if (top.containsKey("approvals")) {
            Map<String, Node> section = yaml.mapping(
                    top.get("approvals"), "approvals", List.of("policy", "store", "table", "aws_profile", "region"));
            approvalPolicy = path(yaml, section, "approvals", "policy", resolve, approvalPolicy);
            approvalTable = table(yaml, section, top.get("approvals"), "approvals", "sentinel-requests");
        }
        Path breakGlassPolicy = defaults.breakGlassPolicy();
        AwsTable breakGlassTable = null;
        if (top.containsKey("breakglass")) {
            Map<String, Node> section = yaml.mapping(
                    top.get("breakglass"), "breakglass", List.of("policy", "store", "table", "aws_profile", "region"));
            breakGlassPolicy = path(yaml, section, "breakglass", "policy", resolve, breakGlassPolicy);
            breakGlassTable = table(yaml, section, top.get("breakglass"), "breakglass", "sentinel-breakglass");
        }
        Path mfaUsers = defaults.mfaUsers();
        AwsTarget sms = null;
        if (top.containsKey("mfa")) {
            Map<String, Node> section = yaml.mapping(top.get("mfa"), "mfa", List.of("users", "sms"));
            mfaUsers = path(yaml, section, "mfa", "users", resolve, mfaUsers);
            if (section.containsKey("sms")) {
                Node node = section.get("sms");
                sms = target(yaml, yaml.mapping(node, "mfa.sms", List.of("aws_profile", "region")), node, "mfa.sms");
            }
        }
        URI webhook = null;
        Path secret = null;
        String topic = null;
        AwsTarget sns = null;
        if (top.containsKey("notifications")) {
            Map<String, Node> section =
                    yaml.mapping(top.get("notifications"), "notifications", List.of("webhook", "sns"));
            if (section.containsKey("webhook")) {
                Map<String, Node> hook =
                        yaml.mapping(section.get("webhook"), "notifications.webhook", List.of("url", "secret_file"));
                webhook = url(yaml, hook.get("url"), section.get("webhook"));
                secret = path(yaml, hook, "notifications.webhook", "secret_file", resolve, null);
                if (secret == null && webhook != null) {
                    yaml.problem(
                            section.get("webhook"),
                            "notifications.webhook needs secret_file, the shared secret that signs every delivery.",
                            "Create one with 'openssl rand -hex 32 > ~/.sentinel/keys/webhook.secret' (owner-only) and"
                                    + " give the same secret to the receiver.");
                }
            }
            if (section.containsKey("sns")) {
                Node node = section.get("sns");
                Map<String, Node> fields =
                        yaml.mapping(node, "notifications.sns", List.of("topic_arn", "aws_profile", "region"));
                topic = fields.containsKey("topic_arn")
                        ? yaml.string(fields.get("topic_arn"), "notifications.sns.topic_arn")
                        : null;
                if (topic == null) {
                    yaml.problem(node, "notifications.sns needs topic_arn.", "Set it to the SNS topic's ARN.");
                } else if (!topic.startsWith("arn:")) {
                    yaml.problem(fields.get("topic_arn"), "notifications.sns.topic_arn is not an ARN.", "");
                }
                sns = target(yaml, fields, node, "notifications.sns");
            }
        }
        return new WorkflowConfig(
                approvalPolicy,
                approvalTable,
                breakGlassPolicy,
                breakGlassTable,
                mfaUsers,
                sms,
                webhook,
                secret,
                topic,
                sns);
    }

    private static Path path(
            StrictYaml yaml,
            Map<String, Node> section,
            String where,
            String key,
            Function<String, Path> resolve,
            Path fallback) {
        if (!section.containsKey(key)) {
            return fallback;
        }
        String value = yaml.string(section.get(key), where + "." + key);
        return value == null ? fallback : resolve.apply(value);
    }

    /** The DynamoDB table of a workflow section, or null for the embedded SQLite store. */
    private static AwsTable table(
            StrictYaml yaml, Map<String, Node> section, Node node, String where, String defaultTable) {
        String store = section.containsKey("store") ? yaml.string(section.get("store"), where + ".store") : "sqlite";
        if ("dynamodb".equals(store)) {
            String table =
                    section.containsKey("table") ? yaml.string(section.get("table"), where + ".table") : defaultTable;
            AwsTarget target = target(yaml, section, node, where);
            return table == null || target == null ? null : new AwsTable(table, target);
        }
        if (store != null && !store.equals("sqlite")) {
            yaml.problem(
                    section.get("store"), "unknown " + where + " store '" + store + "'.", "Use sqlite or dynamodb.");
        }
        return null;
    }

    /** The {@code aws_profile} and {@code region} of an already read mapping. */
    private static AwsTarget target(StrictYaml yaml, Map<String, Node> fields, Node node, String where) {
        String profile = fields.containsKey("aws_profile")
                ? yaml.string(fields.get("aws_profile"), where + ".aws_profile")
                : null;
        if (profile == null) {
            yaml.problem(
                    node,
                    where + " needs aws_profile.",
                    "Set aws_profile to the AWS profile whose credentials Sentinel uses for this.");
            return null;
        }
        String region = fields.containsKey("region") ? yaml.string(fields.get("region"), where + ".region") : null;
        return new AwsTarget(profile, region);
    }

    private static URI url(StrictYaml yaml, Node node, Node section) {
        if (node == null) {
            yaml.problem(section, "notifications.webhook needs url.", "Set url to the receiver's https address.");
            return null;
        }
        String text = yaml.string(node, "notifications.webhook.url");
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                yaml.problem(
                        node,
                        "notifications.webhook.url must be an http(s) address.",
                        "For example https://hooks.example.com/sentinel.");
                return null;
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            yaml.problem(node, "notifications.webhook.url is not a valid address: " + e.getReason() + ".", "");
            return null;
        }
    }
}
