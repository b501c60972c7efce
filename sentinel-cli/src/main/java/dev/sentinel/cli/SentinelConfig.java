package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Sentinel's own settings, from {@code <SENTINEL_HOME>/config.yaml}. Every key is optional; the defaults
 * are the embedded mode: policies in {@code <home>/policies}, the decision log in {@code <home>/logs}.
 * See docs/configuration.md.
 */
record SentinelConfig(
        PolicySourceKind policySource,
        Path policyPath,
        String ssmPrefix,
        String ssmRegion,
        Duration policyCacheTtl,
        Path logFile,
        boolean credentialCache,
        Duration refreshMargin,
        boolean signatureRequired,
        String signingKey,
        String signingAwsProfile,
        String sessionTable,
        String sessionAwsProfile,
        String sessionRegion,
        String revokeAwsProfile,
        WorkflowConfig workflows) {

    enum PolicySourceKind {
        FILE,
        SSM
    }

    static final Duration DEFAULT_POLICY_CACHE_TTL = Duration.ofMinutes(5);
    static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMinutes(15);

    SentinelConfig {
        requireNonNull(policySource, "policySource is null");
        requireNonNull(policyPath, "policyPath is null");
        requireNonNull(ssmPrefix, "ssmPrefix is null");
        requireNonNull(policyCacheTtl, "policyCacheTtl is null");
        requireNonNull(logFile, "logFile is null");
        requireNonNull(refreshMargin, "refreshMargin is null");
        requireNonNull(signingKey, "signingKey is null");
        requireNonNull(workflows, "workflows is null");
    }

    /** The key setting for local Ed25519 signing; anything else is {@code kms:<key id, alias or ARN>}. */
    static final String LOCAL_KEY = "local";

    static SentinelConfig defaults(SentinelHome home) {
        return new SentinelConfig(
                PolicySourceKind.FILE,
                home.policyDirectory(),
                "/sentinel/policies",
                null,
                DEFAULT_POLICY_CACHE_TTL,
                home.decisionLog(),
                true,
                DEFAULT_REFRESH_MARGIN,
                false,
                LOCAL_KEY,
                null,
                null,
                null,
                null,
                null,
                WorkflowConfig.defaults(home));
    }

    static SentinelConfig load(SentinelHome home, Path userHome) {
        Path file = home.configFile();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return defaults(home);
        } catch (IOException e) {
            throw new dev.sentinel.error.SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read " + file + ": " + e.getMessage(),
                    "Check the file's permissions.",
                    e);
        }
        return parse(home, userHome, file.toString(), text);
    }

    static SentinelConfig parse(SentinelHome home, Path userHome, String source, String text) {
        SentinelConfig config = defaults(home);
        StrictYaml yaml = new StrictYaml(source);
        Optional<Node> root = yaml.parse(text);
        if (root.isEmpty()) {
            return yaml.problems().size() == 1
                            && yaml.problems().get(0).message().startsWith("the document is empty")
                    ? config
                    : fail(yaml);
        }
        List<String> sections = new java.util.ArrayList<>(List.of("policy", "log", "credentials", "sessions"));
        sections.addAll(WorkflowConfig.SECTIONS);
        Map<String, Node> top = yaml.mapping(root.get(), "the configuration", sections);
        WorkflowConfig workflows = WorkflowConfig.parse(yaml, top, home, value -> home.root()
                .resolve(expandHome(value, userHome))
                .normalize());
        PolicySourceKind kind = config.policySource();
        Path policyPath = config.policyPath();
        String prefix = config.ssmPrefix();
        String region = null;
        Duration ttl = config.policyCacheTtl();
        boolean signatureRequired = false;
        String signingKey = LOCAL_KEY;
        String signingAwsProfile = null;
        if (top.containsKey("policy")) {
            Map<String, Node> policy = yaml.mapping(
                    top.get("policy"),
                    "policy",
                    List.of("source", "path", "ssm_prefix", "ssm_region", "cache_ttl", "signature"));
            if (policy.containsKey("source")) {
                String value = yaml.string(policy.get("source"), "policy.source");
                if ("file".equals(value)) {
                    kind = PolicySourceKind.FILE;
                } else if ("ssm".equals(value)) {
                    kind = PolicySourceKind.SSM;
                } else if (value != null) {
                    yaml.problem(policy.get("source"), "unknown policy source '" + value + "'.", "Use file or ssm.");
                }
            }
            if (policy.containsKey("path")) {
                String value = yaml.string(policy.get("path"), "policy.path");
                if (value != null) {
                    policyPath =
                            home.root().resolve(expandHome(value, userHome)).normalize();
                }
            }
            if (policy.containsKey("ssm_prefix")) {
                String value = yaml.string(policy.get("ssm_prefix"), "policy.ssm_prefix");
                if (value != null && (!value.startsWith("/") || value.endsWith("/"))) {
                    yaml.problem(
                            policy.get("ssm_prefix"),
                            "policy.ssm_prefix must start with '/' and not end with one.",
                            "For example /sentinel/policies.");
                } else if (value != null) {
                    prefix = value;
                }
            }
            if (policy.containsKey("ssm_region")) {
                region = yaml.string(policy.get("ssm_region"), "policy.ssm_region");
            }
            ttl = duration(yaml, policy.get("cache_ttl"), "policy.cache_ttl", ttl);
            if (policy.containsKey("signature")) {
                Map<String, Node> signature = yaml.mapping(
                        policy.get("signature"), "policy.signature", List.of("required", "key", "aws_profile"));
                if (signature.containsKey("required")) {
                    signatureRequired =
                            Boolean.TRUE.equals(yaml.bool(signature.get("required"), "policy.signature.required"));
                }
                if (signature.containsKey("key")) {
                    String value = yaml.string(signature.get("key"), "policy.signature.key");
                    if (value != null
                            && !value.equals(LOCAL_KEY)
                            && !(value.startsWith("kms:") && value.length() > 4)) {
                        yaml.problem(
                                signature.get("key"),
                                "policy.signature.key must be 'local' or 'kms:<key id, alias or ARN>'.",
                                "");
                    } else if (value != null) {
                        signingKey = value;
                    }
                }
                if (signature.containsKey("aws_profile")) {
                    signingAwsProfile = yaml.string(signature.get("aws_profile"), "policy.signature.aws_profile");
                }
            }
        }
        Path logFile = config.logFile();
        if (top.containsKey("log")) {
            Map<String, Node> log = yaml.mapping(top.get("log"), "log", List.of("path"));
            if (log.containsKey("path")) {
                String value = yaml.string(log.get("path"), "log.path");
                if (value != null) {
                    logFile = home.root().resolve(expandHome(value, userHome)).normalize();
                }
            }
        }
        boolean cache = config.credentialCache();
        Duration margin = config.refreshMargin();
        if (top.containsKey("credentials")) {
            Map<String, Node> credentials =
                    yaml.mapping(top.get("credentials"), "credentials", List.of("cache", "refresh_margin"));
            if (credentials.containsKey("cache")) {
                Boolean value = yaml.bool(credentials.get("cache"), "credentials.cache");
                cache = value == null || value;
            }
            margin = duration(yaml, credentials.get("refresh_margin"), "credentials.refresh_margin", margin);
        }
        String sessionTable = null;
        String sessionAwsProfile = null;
        String sessionRegion = null;
        String revokeAwsProfile = null;
        if (top.containsKey("sessions")) {
            Map<String, Node> sessions = yaml.mapping(
                    top.get("sessions"),
                    "sessions",
                    List.of("store", "table", "aws_profile", "region", "revoke_aws_profile"));
            if (sessions.containsKey("revoke_aws_profile")) {
                revokeAwsProfile = yaml.string(sessions.get("revoke_aws_profile"), "sessions.revoke_aws_profile");
            }
            String store =
                    sessions.containsKey("store") ? yaml.string(sessions.get("store"), "sessions.store") : "sqlite";
            if ("dynamodb".equals(store)) {
                sessionTable = sessions.containsKey("table")
                        ? yaml.string(sessions.get("table"), "sessions.table")
                        : "sentinel-sessions";
                sessionAwsProfile = sessions.containsKey("aws_profile")
                        ? yaml.string(sessions.get("aws_profile"), "sessions.aws_profile")
                        : null;
                sessionRegion =
                        sessions.containsKey("region") ? yaml.string(sessions.get("region"), "sessions.region") : null;
                if (sessionAwsProfile == null) {
                    yaml.problem(
                            sessions.getOrDefault("store", top.get("sessions")),
                            "sessions.store dynamodb needs sessions.aws_profile.",
                            "Set aws_profile to the profile whose credentials may read and write the sessions table.");
                }
            } else if (store != null && !store.equals("sqlite")) {
                yaml.problem(
                        sessions.get("store"), "unknown session store '" + store + "'.", "Use sqlite or dynamodb.");
            }
        }
        if (signingKey.startsWith("kms:") && signingAwsProfile == null && !yaml.hasProblems()) {
            yaml.problem(
                    root.get(),
                    "policy.signature.key names a KMS key but policy.signature.aws_profile is not set.",
                    "Set aws_profile to the profile whose credentials may call kms:Verify (and kms:Sign to sign).");
        }
        if (yaml.hasProblems()) {
            return fail(yaml);
        }
        return new SentinelConfig(
                kind,
                policyPath,
                prefix,
                region,
                ttl,
                logFile,
                cache,
                margin,
                signatureRequired,
                signingKey,
                signingAwsProfile,
                sessionTable,
                sessionAwsProfile,
                sessionRegion,
                revokeAwsProfile,
                workflows);
    }

    private static Duration duration(StrictYaml yaml, Node node, String what, Duration fallback) {
        if (node == null) {
            return fallback;
        }
        Duration parsed = yaml.duration(node, what);
        return parsed == null ? fallback : parsed;
    }

    private static Path expandHome(String path, Path userHome) {
        return path.startsWith("~/") ? userHome.resolve(path.substring(2)) : Path.of(path);
    }

    private static SentinelConfig fail(StrictYaml yaml) {
        throw new InvalidDocumentException(ErrorCode.CONFIG_INVALID, "Configuration " + yaml.source(), yaml.problems());
    }
}
