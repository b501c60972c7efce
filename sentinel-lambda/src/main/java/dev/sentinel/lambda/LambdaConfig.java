package dev.sentinel.lambda;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.yaml.DurationText;
import dev.sentinel.yaml.StrictYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The Lambda function's settings, from its environment (docs/tvm.md lists them). Read strictly: a
 * {@code SENTINEL_*} variable that is not one of these is an error (a typo must not silently turn a
 * setting off), and every problem is reported at once. The rate limit and the sessions live in DynamoDB,
 * because a Lambda function runs as many instances that share nothing in memory.
 */
final class LambdaConfig {
    static final String REGISTRY_PARAMETER = "SENTINEL_PROFILE_REGISTRY_PARAMETER";
    static final String POLICY_PREFIX = "SENTINEL_POLICY_SSM_PREFIX";
    static final String CACHE_TTL = "SENTINEL_CACHE_TTL";
    static final String SIGNING_KEY = "SENTINEL_POLICY_SIGNING_KEY";
    static final String SESSION_TABLE = "SENTINEL_SESSION_TABLE";
    static final String RATE_LIMIT_TABLE = "SENTINEL_RATE_LIMIT_TABLE";
    static final String RATE_LIMIT_REQUESTS = "SENTINEL_RATE_LIMIT_REQUESTS";
    static final String RATE_LIMIT_WINDOW = "SENTINEL_RATE_LIMIT_WINDOW";
    static final String LOG_KEY = "SENTINEL_LOG_KEY";
    static final String APPROVAL_TABLE = "SENTINEL_APPROVAL_TABLE";
    static final String APPROVAL_POLICY_PARAMETER = "SENTINEL_APPROVAL_POLICY_PARAMETER";
    static final String BREAKGLASS_TABLE = "SENTINEL_BREAKGLASS_TABLE";
    static final String BREAKGLASS_POLICY_PARAMETER = "SENTINEL_BREAKGLASS_POLICY_PARAMETER";
    static final List<String> KNOWN = List.of(
            REGISTRY_PARAMETER,
            POLICY_PREFIX,
            CACHE_TTL,
            SIGNING_KEY,
            SESSION_TABLE,
            RATE_LIMIT_TABLE,
            RATE_LIMIT_REQUESTS,
            RATE_LIMIT_WINDOW,
            LOG_KEY,
            APPROVAL_TABLE,
            APPROVAL_POLICY_PARAMETER,
            BREAKGLASS_TABLE,
            BREAKGLASS_POLICY_PARAMETER);

    static final String DEFAULT_POLICY_PREFIX = "/sentinel/policies";
    static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    static final Duration MAX_CACHE_TTL = Duration.ofMinutes(5);
    static final int DEFAULT_RATE_LIMIT = 100;
    static final Duration DEFAULT_RATE_WINDOW = Duration.ofMinutes(1);

    final String registryParameter;
    final String policyPrefix;
    final Duration cacheTtl;
    /** A KMS key id, alias or ARN whose signature every policy must carry; null when unsigned policies are used. */
    final String signingKey;

    final String sessionTable;
    final String rateLimitTable;
    final RequestRate rate;
    /** Where approved requests are read and which policy they must still satisfy; null when approvals are off. */
    final Workflow approvals;
    /** Where break-glass events are read and which policy they must still satisfy; null when break-glass is off. */
    final Workflow breakGlass;

    private final byte[] logKey;

    /** A workflow the gate honours: its DynamoDB table and the SSM parameter holding its policy. */
    record Workflow(String table, String policyParameter) {
        Workflow {
            requireNonNull(table, "table is null");
            requireNonNull(policyParameter, "policyParameter is null");
        }
    }

    private LambdaConfig(
            String registryParameter,
            String policyPrefix,
            Duration cacheTtl,
            String signingKey,
            String sessionTable,
            String rateLimitTable,
            RequestRate rate,
            Workflow approvals,
            Workflow breakGlass,
            byte[] logKey) {
        this.registryParameter = requireNonNull(registryParameter);
        this.policyPrefix = requireNonNull(policyPrefix);
        this.cacheTtl = requireNonNull(cacheTtl);
        this.signingKey = signingKey;
        this.sessionTable = requireNonNull(sessionTable);
        this.rateLimitTable = requireNonNull(rateLimitTable);
        this.rate = requireNonNull(rate);
        this.approvals = approvals;
        this.breakGlass = breakGlass;
        this.logKey = logKey;
    }

    /** The key that chains the decision log's lines, if one is set. */
    Optional<byte[]> logKey() {
        return Optional.ofNullable(logKey).map(byte[]::clone);
    }

    /**
     * @throws SentinelException CONFIG_INVALID naming every problem
     */
    static LambdaConfig from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("SENTINEL_") && !KNOWN.contains(name)) {
                String suggestion = StrictYaml.closest(
                        name.toLowerCase(Locale.ROOT),
                        KNOWN.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList());
                problems.add("unknown setting " + name
                        + (suggestion == null ? "" : " (did you mean " + suggestion.toUpperCase(Locale.ROOT) + "?)"));
            }
        }
        String registry =
                required(env, REGISTRY_PARAMETER, "the SSM parameter that holds the profile registry", problems);
        String prefix = Optional.ofNullable(value(env, POLICY_PREFIX)).orElse(DEFAULT_POLICY_PREFIX);
        if (!prefix.startsWith("/") || prefix.endsWith("/")) {
            problems.add(POLICY_PREFIX + " must start with '/' and not end with one, like " + DEFAULT_POLICY_PREFIX);
        }
        Duration ttl = duration(env, CACHE_TTL, DEFAULT_CACHE_TTL, problems);
        if (ttl != null && ttl.compareTo(MAX_CACHE_TTL) > 0) {
            problems.add(CACHE_TTL + " is at most " + DurationText.format(MAX_CACHE_TTL)
                    + ": a policy change must reach every instance soon");
        }
        String key = value(env, SIGNING_KEY);
        if (key != null && !(key.startsWith("kms:") && key.length() > 4)) {
            problems.add(SIGNING_KEY + " must be kms:<key id, alias or ARN>");
        }
        String sessions = required(env, SESSION_TABLE, "the DynamoDB table of sessions", problems);
        String rates = required(env, RATE_LIMIT_TABLE, "the DynamoDB table the rate limit counts in", problems);
        RequestRate rate = null;
        Integer limit = DEFAULT_RATE_LIMIT;
        if (value(env, RATE_LIMIT_REQUESTS) != null) {
            try {
                limit = Integer.valueOf(value(env, RATE_LIMIT_REQUESTS));
            } catch (NumberFormatException e) {
                problems.add(RATE_LIMIT_REQUESTS + " must be a whole number");
                limit = null;
            }
        }
        Duration window = duration(env, RATE_LIMIT_WINDOW, DEFAULT_RATE_WINDOW, problems);
        if (limit != null && window != null) {
            try {
                rate = new RequestRate(limit, window);
            } catch (IllegalArgumentException e) {
                problems.add(RATE_LIMIT_REQUESTS + "/" + RATE_LIMIT_WINDOW + ": " + e.getMessage());
            }
        }
        byte[] logKey = null;
        if (value(env, LOG_KEY) != null) {
            try {
                logKey = HexFormat.of().parseHex(value(env, LOG_KEY));
                if (logKey.length < 32) {
                    problems.add(LOG_KEY + " must be at least 32 bytes (64 hex digits)");
                }
            } catch (IllegalArgumentException e) {
                problems.add(LOG_KEY + " must be hex digits");
            }
        }
        Workflow approvals = workflow(
                env,
                APPROVAL_TABLE,
                APPROVAL_POLICY_PARAMETER,
                "approvals",
                "access requests",
                "approval policy",
                problems);
        Workflow breakGlass = workflow(
                env,
                BREAKGLASS_TABLE,
                BREAKGLASS_POLICY_PARAMETER,
                "break-glass",
                "break-glass events",
                "break-glass policy",
                problems);
        if (!problems.isEmpty()) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The function's environment is invalid: " + String.join("; ", problems) + ".",
                    "Fix the function's environment variables (docs/tvm.md lists them).");
        }
        return new LambdaConfig(
                registry,
                prefix,
                ttl,
                key == null ? null : key.substring(4),
                sessions,
                rates,
                rate,
                approvals,
                breakGlass,
                logKey);
    }

    /** A workflow is on when both its settings are given, off when neither is; one alone is a mistake. */
    private static Workflow workflow(
            Map<String, String> env,
            String table,
            String parameter,
            String name,
            String items,
            String policy,
            List<String> problems) {
        String tableName = value(env, table);
        String parameterName = value(env, parameter);
        if (tableName == null && parameterName == null) {
            return null;
        }
        if (tableName == null || parameterName == null) {
            problems.add(name + " need both " + table + " (the DynamoDB table of " + items + ") and " + parameter
                    + " (the SSM parameter holding the " + policy + "); " + (tableName == null ? table : parameter)
                    + " is missing");
            return null;
        }
        if (!parameterName.startsWith("/")) {
            problems.add(parameter + " must be a parameter name starting with '/'");
            return null;
        }
        return new Workflow(tableName, parameterName);
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String required(Map<String, String> env, String name, String what, List<String> problems) {
        String value = value(env, name);
        if (value == null) {
            problems.add(name + " is required (" + what + ")");
        }
        return value;
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        String value = value(env, name);
        if (value == null) {
            return fallback;
        }
        Optional<Duration> parsed = DurationText.parse(value);
        if (parsed.isEmpty()) {
            problems.add(name + " '" + value + "' is not a duration like 30s, 1m or 1h");
            return null;
        }
        return parsed.get();
    }
}
