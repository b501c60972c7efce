package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.Decision;
import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.EvaluationRequest;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.policy.RuleTrace;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a hypothetical request and show why: every rule considered, which condition failed or matched, and the final effect. Uses the configured policy for the profile (local files or SSM) unless --policy names a file. Nothing is issued and nothing is logged.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy explain --profile prod-role --user alice",
            "  sentinel policy explain --profile prod-role --user bob --time 2026-11-21T23:30:00+01:00 --json",
            "  sentinel policy explain --profile prod-role --user alice --device mdm_enrolled=true --device os_type=darwin"
        })
final class PolicyExplainCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "PROFILE",
            description = "The AWS config profile asked for.")
    String profile;

    @Option(
            names = "--user",
            required = true,
            paramLabel = "USER",
            description = "The user as AWS reports it (see 'sentinel whoami').")
    String user;

    @Option(
            names = "--time",
            paramLabel = "TIME",
            description = "When, as an ISO date-time with offset (default: now).")
    String time;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "credential_process",
            description = "cli, credential_process or server (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--device",
            paramLabel = "KEY=VALUE",
            description =
                    "A device fact for device conditions, repeatable: disk_encrypted, mdm_enrolled, mdm_compliant,"
                            + " firewall_enabled (true/false), os_type (darwin, windows, linux), os_version.")
    java.util.Map<String, String> device = new java.util.LinkedHashMap<>();

    @Option(
            names = "--policy",
            paramLabel = "FILE",
            description = "Explain against this policy file instead of the configured one.")
    Path policyFile;

    @Option(names = "--json", description = "Print a JSON document (schemaVersion 1).")
    boolean json;

    PolicyExplainCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        ProfileName name = Profiles.parse(profile);
        Mode requestMode = Mode.fromYaml(mode)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.USAGE, "Unknown mode '" + mode + "'.", "Use cli, credential_process or server."));
        Instant when = instant();
        LoadedPolicy policy = policyFile != null
                ? LoadedPolicy.parse(policyFile.toString(), PolicyFiles.read(policyFile))
                : Sentinel.open(platform).policies().load(name);
        Decision decision = policy.policy().evaluate(new EvaluationRequest(name, user, requestMode, when, posture()));
        if (json) {
            platform.out().println(json(policy, decision, when));
        } else {
            platform.out().print(text(policy, decision, when));
        }
        return 0;
    }

    /** The device facts given, or null (no posture) when none were. */
    private DevicePosture posture() {
        if (device.isEmpty()) {
            return null;
        }
        java.util.Set<String> known = java.util.Set.of(
                "disk_encrypted", "mdm_enrolled", "mdm_compliant", "firewall_enabled", "os_type", "os_version");
        for (String key : device.keySet()) {
            if (!known.contains(key)) {
                throw new SentinelException(
                        ErrorCode.USAGE,
                        "Unknown device fact '" + key + "'.",
                        "Use any of " + new java.util.TreeSet<>(known) + ".");
            }
        }
        return new DevicePosture(
                flag("disk_encrypted"),
                flag("mdm_enrolled"),
                flag("mdm_compliant"),
                flag("firewall_enabled"),
                device.get("os_type"),
                device.get("os_version"));
    }

    private Boolean flag(String key) {
        String value = device.get(key);
        if (value == null) {
            return null;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new SentinelException(
                    ErrorCode.USAGE, "Device fact " + key + " must be true or false, not '" + value + "'.", "");
        }
        return Boolean.valueOf(value);
    }

    private Instant instant() {
        if (time == null) {
            return platform.clock().instant();
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeException e) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + time + "' is not a date-time with an offset.",
                    "Write it like 2026-11-23T09:30:00+01:00 or 2026-11-23T08:30:00Z.");
        }
    }

    static String text(LoadedPolicy policy, Decision decision, Instant when) {
        StringBuilder out = new StringBuilder();
        out.append("policy:   ").append(policy.source()).append('\n');
        out.append("request:  profile ")
                .append(decision.request().profile())
                .append(", user ")
                .append(decision.request().user())
                .append(", mode ")
                .append(decision.request().mode().yamlName())
                .append(", at ")
                .append(when)
                .append('\n');
        out.append("decision: ").append(decision.effect().yamlName().toUpperCase(Locale.ROOT));
        if (decision.matched()) {
            out.append(" by rule '")
                    .append(decision.ruleName())
                    .append("' (line ")
                    .append(decision.rule().line())
                    .append(')');
        } else {
            out.append(" (no rule matched)");
        }
        out.append('\n')
                .append("reason:   ")
                .append(decision.reason())
                .append('\n')
                .append("trace:\n");
        for (RuleTrace t : decision.trace()) {
            out.append(String.format(
                    "  %-3s %-14s %s (%s, line %d): %s%n",
                    "#" + (t.index() + 1),
                    t.status().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    t.name(),
                    t.effect().yamlName(),
                    t.line(),
                    t.detail()));
        }
        return out.toString();
    }

    static String json(LoadedPolicy policy, Decision decision, Instant when) {
        List<String> trace = new ArrayList<>();
        for (RuleTrace t : decision.trace()) {
            trace.add(JsonWriter.object()
                    .field("index", t.index())
                    .field("name", t.name())
                    .field("effect", t.effect().yamlName())
                    .field("line", t.line())
                    .field("status", t.status().name().toLowerCase(Locale.ROOT))
                    .field("failed", t.failed() == null ? null : t.failed().yamlName())
                    .field("detail", t.detail())
                    .close());
        }
        return JsonWriter.object()
                .field("schemaVersion", 1)
                .field("policy_source", policy.source())
                .field("policy_sha256", policy.sha256())
                .field("profile", decision.request().profile().value())
                .field("user", decision.request().user())
                .field("mode", decision.request().mode().yamlName())
                .field("time", when.toString())
                .field("effect", decision.effect().yamlName())
                .field("rule", decision.ruleName())
                .field("rule_index", decision.ruleIndex())
                .field("reason", decision.reason())
                .rawField("trace", "[" + String.join(",", trace) + "]")
                .close();
    }
}
