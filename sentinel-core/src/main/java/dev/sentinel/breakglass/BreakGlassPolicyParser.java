package dev.sentinel.breakglass;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.policy.ConditionParser;
import dev.sentinel.policy.NameSet;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.policy.TimeCondition;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses and validates a break-glass policy (docs/breakglass.md). Validation is as strict as the access
 * policy's: unknown keys, wrong types, out-of-range values, unknown reason codes and MFA methods,
 * duplicate rule names and rules that can never apply are errors, every problem is reported with file,
 * line, column and a fix hint, and a policy with any problem is never returned.
 */
public final class BreakGlassPolicyParser {
    private static final List<String> TOP_KEYS = List.of("version", "description", "rules");
    private static final List<String> RULE_KEYS = List.of(
            "name", "description", "profiles", "users", "reason_codes", "time", "max_duration", "mfa", "rate_limit");
    private static final List<String> MFA_KEYS = List.of("required", "methods");
    private static final List<String> RATE_LIMIT_KEYS =
            List.of("cooldown", "max_per_user", "max_per_profile", "window", "escalation_threshold");
    private static final List<String> COUNTED_LIMITS =
            List.of("max_per_user", "max_per_profile", "escalation_threshold");
    private static final List<String> MFA_METHODS =
            MfaRequirement.METHODS.stream().sorted().toList();
    private static final List<String> REASON_CODES =
            EnumSet.allOf(ReasonCode.class).stream().map(ReasonCode::yamlName).toList();

    private final StrictYaml yaml;
    private final ConditionParser conditions;
    private final List<Scope> scopes = new ArrayList<>();

    /** The part of a rule that decides which requests it applies to, kept even when the rest is invalid. */
    private record Scope(String name, int line, NameSet users, NameSet profiles) {}

    private BreakGlassPolicyParser(String source) {
        this.yaml = new StrictYaml(source);
        this.conditions = new ConditionParser(yaml);
    }

    /**
     * @param source what to call the document in messages (a file path or SSM parameter name)
     * @throws InvalidDocumentException with every problem found
     */
    public static BreakGlassPolicy parse(String source, String text) {
        return new BreakGlassPolicyParser(source).read(text);
    }

    private BreakGlassPolicy read(String text) {
        Optional<Node> root = yaml.parse(text);
        List<BreakGlassRule> rules = new ArrayList<>();
        if (root.isPresent() && !(root.get() instanceof MappingNode)) {
            yaml.problem(
                    root.get(),
                    "the break-glass policy must be a mapping with 'version' and 'rules'.",
                    "Start the file with 'version: \"1\"' and a 'rules:' list (see docs/breakglass.md).");
        } else if (root.isPresent()) {
            Map<String, Node> top = yaml.mapping(root.get(), "the break-glass policy", TOP_KEYS);
            Node version = top.get("version");
            if (version == null) {
                yaml.problem(
                        root.get(),
                        "the break-glass policy has no 'version'.",
                        "Add 'version: \"1\"' as the first line.");
            } else if (!"1".equals(yaml.string(version, "version"))) {
                yaml.problem(version, "unsupported break-glass policy version.", "Use version: \"1\".");
            }
            if (top.containsKey("description")) {
                yaml.string(top.get("description"), "description");
            }
            Node rulesNode = top.get("rules");
            if (rulesNode == null) {
                yaml.problem(
                        root.get(),
                        "the break-glass policy has no 'rules'.",
                        "Add a 'rules:' list; a user and profile that no rule covers cannot use break-glass.");
            } else {
                List<Node> items = yaml.sequence(rulesNode, "rules");
                for (int i = 0; i < items.size(); i++) {
                    BreakGlassRule rule = rule(items.get(i), i);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(
                    ErrorCode.BREAKGLASS_POLICY_INVALID, "Break-glass policy " + yaml.source(), yaml.problems());
        }
        return new BreakGlassPolicy(rules);
    }

    /** The rule, or null when it has any problem (each one recorded). */
    private BreakGlassRule rule(Node node, int index) {
        int problemsBefore = problemCount();
        String where =
                StrictYaml.peek(node, "name").map(n -> "rule '" + n + "'").orElse("rule #" + (index + 1));
        Map<String, Node> fields = yaml.mapping(node, where, RULE_KEYS);
        if (!(node instanceof MappingNode)) {
            return null;
        }
        String name = conditions.uniqueRuleName(node, fields.get("name"), where);
        if (fields.containsKey("description")) {
            yaml.string(fields.get("description"), where + " description");
        }
        int problemsBeforeScope = problemCount();
        NameSet profiles = conditions.nonEmptyProfiles(
                fields.get("profiles"),
                where + " profiles",
                "List the profiles the rule covers, or remove 'profiles' to cover every profile.");
        NameSet users = null;
        String usersHint = "Add 'users: [name, ...]' with the users who may invoke break-glass under this rule.";
        if (fields.containsKey("users")) {
            users = conditions.nonEmptyUsers(fields.get("users"), where + " users", usersHint);
        } else {
            yaml.problem(node, where + " has no users.", usersHint);
        }
        if (name != null && users != null && problemCount() == problemsBeforeScope) {
            checkReachable(node, new Scope(name, StrictYaml.line(node), users, profiles));
        }
        Set<ReasonCode> reasonCodes = EnumSet.noneOf(ReasonCode.class);
        if (fields.containsKey("reason_codes")) {
            reasonCodes = reasonCodes(fields.get("reason_codes"), where);
        }
        TimeCondition time = fields.containsKey("time") ? conditions.time(fields.get("time"), where) : null;
        Duration maxDuration = BreakGlassRule.DEFAULT_DURATION;
        if (fields.containsKey("max_duration")) {
            maxDuration = yaml.duration(
                    fields.get("max_duration"),
                    where + " max_duration",
                    PolicyParser.MIN_CREDENTIAL_DURATION,
                    BreakGlassRule.MAX_DURATION,
                    "Break-glass access lasts at most 4h; use a value from 15m to 4h.");
        }
        MfaRequirement mfa = fields.containsKey("mfa") ? mfa(fields.get("mfa"), where) : null;
        RateLimit rateLimit = fields.containsKey("rate_limit") ? rateLimit(fields.get("rate_limit"), where) : null;
        if (problemCount() != problemsBefore) {
            return null;
        }
        return new BreakGlassRule(name, profiles, users, reasonCodes, time, maxDuration, mfa, rateLimit);
    }

    /**
     * The first rule that covers the user and profile applies, whatever its other limits say, so a rule is
     * dead when an earlier one covers all its users and profiles.
     */
    private void checkReachable(Node node, Scope scope) {
        for (Scope earlier : scopes) {
            if (NameSet.covers(earlier.users(), scope.users())
                    && NameSet.covers(earlier.profiles(), scope.profiles())) {
                yaml.problem(
                        node,
                        "rule '" + scope.name() + "' can never apply: rule '" + earlier.name() + "' (line "
                                + earlier.line() + ") comes first and covers every user and profile it names.",
                        "Move '" + scope.name() + "' above '" + earlier.name() + "', narrow the users or profiles of '"
                                + earlier.name() + "', or delete '" + scope.name() + "'.");
                break;
            }
        }
        scopes.add(scope);
    }

    private Set<ReasonCode> reasonCodes(Node node, String where) {
        Set<ReasonCode> codes = EnumSet.noneOf(ReasonCode.class);
        if (node instanceof SequenceNode sequence && sequence.getValue().isEmpty()) {
            yaml.problem(
                    node,
                    where + " reason_codes is an empty list.",
                    "List the allowed codes, or remove 'reason_codes' to allow every code.");
            return codes;
        }
        yaml.forEachString(node, where + " reason_codes", (item, text) -> {
            Optional<ReasonCode> code = ReasonCode.fromYaml(text);
            if (code.isPresent()) {
                codes.add(code.get());
            } else {
                String guess = StrictYaml.closest(text, REASON_CODES);
                yaml.problem(
                        item,
                        "unknown reason code '" + text + "' in " + where + ".",
                        guess != null
                                ? "did you mean '" + guess + "'?"
                                : "use any of " + String.join(", ", REASON_CODES) + ".");
            }
        });
        return codes;
    }

    private MfaRequirement mfa(Node node, String where) {
        String what = where + " mfa";
        int problemsBefore = problemCount();
        Map<String, Node> fields = yaml.mapping(node, what, MFA_KEYS);
        if (!(node instanceof MappingNode)) {
            return null;
        }
        Boolean required = null;
        if (fields.containsKey("required")) {
            required = yaml.bool(fields.get("required"), what + " required");
        } else {
            yaml.problem(
                    node,
                    what + " does not say whether a second factor is required.",
                    "Add 'required: true' (or remove 'mfa' when no second factor is needed).");
        }
        Set<String> methods = new HashSet<>();
        Node methodsNode = fields.get("methods");
        if (methodsNode != null) {
            yaml.forEachString(methodsNode, what + " methods", (item, text) -> {
                if (MFA_METHODS.contains(text)) {
                    methods.add(text);
                } else {
                    String guess = StrictYaml.closest(text, MFA_METHODS);
                    yaml.problem(
                            item,
                            "unknown MFA method '" + text + "' in " + what + ".",
                            guess != null
                                    ? "did you mean '" + guess + "'?"
                                    : "use any of " + String.join(", ", MFA_METHODS) + ".");
                }
            });
        }
        boolean listsNone = methodsNode == null
                || methodsNode instanceof SequenceNode sequence
                        && sequence.getValue().isEmpty();
        if (Boolean.TRUE.equals(required) && listsNone) {
            yaml.problem(
                    methodsNode == null ? node : methodsNode,
                    what + " requires a second factor but lists no methods.",
                    "Add 'methods:' with any of " + String.join(", ", MFA_METHODS) + ", for example methods: [totp].");
        }
        if (problemCount() != problemsBefore) {
            return null;
        }
        return new MfaRequirement(required, methods);
    }

    private RateLimit rateLimit(Node node, String where) {
        String what = where + " rate_limit";
        int problemsBefore = problemCount();
        Map<String, Node> fields = yaml.mapping(node, what, RATE_LIMIT_KEYS);
        if (!(node instanceof MappingNode)) {
            return null;
        }
        Duration cooldown = positiveDuration(fields.get("cooldown"), what + " cooldown", "for example cooldown: 30m");
        Integer maxPerUser = positiveInteger(fields.get("max_per_user"), what + " max_per_user");
        Integer maxPerProfile = positiveInteger(fields.get("max_per_profile"), what + " max_per_profile");
        Integer escalation = positiveInteger(fields.get("escalation_threshold"), what + " escalation_threshold");
        Duration window = positiveDuration(fields.get("window"), what + " window", "for example window: 24h");
        List<String> counted =
                COUNTED_LIMITS.stream().filter(fields::containsKey).toList();
        if (!fields.containsKey("cooldown") && counted.isEmpty()) {
            yaml.problem(
                    node,
                    what + " sets no limit.",
                    "Add at least one of cooldown, max_per_user, max_per_profile or escalation_threshold, or remove"
                            + " 'rate_limit'.");
        } else if (!counted.isEmpty() && !fields.containsKey("window")) {
            yaml.problem(
                    node,
                    what + " counts events (" + String.join(", ", counted) + ") but has no window to count them in.",
                    "Add 'window:' with the period to count over, for example window: 24h.");
        }
        if (problemCount() != problemsBefore) {
            return null;
        }
        return new RateLimit(cooldown, maxPerUser, maxPerProfile, window, escalation);
    }

    /** A duration longer than zero, or null when absent or after recording a problem. */
    private Duration positiveDuration(Node node, String what, String example) {
        if (node == null) {
            return null;
        }
        Duration d = yaml.duration(node, what);
        if (d != null && d.isZero()) {
            yaml.problem(node, what + " is zero.", "Use a duration longer than zero, " + example + ".");
            return null;
        }
        return d;
    }

    /** A whole number of at least 1, or null when absent or after recording a problem. */
    private Integer positiveInteger(Node node, String what) {
        if (node == null) {
            return null;
        }
        Integer n = yaml.integer(node, what);
        if (n != null && n < 1) {
            yaml.problem(node, what + " is " + n + ", but it must be at least 1.", "Use a whole number of 1 or more.");
            return null;
        }
        return n;
    }

    private int problemCount() {
        return yaml.problems().size();
    }
}
