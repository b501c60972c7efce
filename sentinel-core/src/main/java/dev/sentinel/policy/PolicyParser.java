package dev.sentinel.policy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.yaml.DurationText;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Parses and validates a policy (DESIGN.md 4.3). Validation is strict and complete: every problem is
 * reported with file, line, column and a fix hint, and a policy with any problem is never returned.
 */
public final class PolicyParser {
    public static final Duration MIN_CREDENTIAL_DURATION = Duration.ofMinutes(15);
    public static final Duration MAX_CREDENTIAL_DURATION = Duration.ofHours(12);

    private static final List<String> TOP_KEYS = List.of("version", "description", "rules");
    private static final List<String> RULE_KEYS =
            List.of("name", "description", "effect", "conditions", "reason", "max_duration", "max_server_duration");
    private static final List<String> CONDITION_KEYS = List.of("profiles", "users", "time", "mode", "device");
    private static final List<String> DEVICE_KEYS = List.of(
            "require_encryption",
            "require_mdm",
            "require_mdm_compliant",
            "require_firewall",
            "min_os_version",
            "allowed_os_types");
    private static final List<String> OS_TYPES = List.of("darwin", "windows", "linux");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    private StrictYaml yaml;
    private ConditionParser shared;
    private final Set<String> ruleNames = new HashSet<>();

    private PolicyParser() {}

    /**
     * @param source what to call the document in messages (a file path or SSM parameter name)
     * @throws InvalidDocumentException with every problem found
     */
    public static Policy parse(String source, String text) {
        return new PolicyParser().read(source, text);
    }

    private Policy read(String source, String text) {
        yaml = new StrictYaml(source);
        shared = new ConditionParser(yaml);
        Optional<Node> root = yaml.parse(text);
        List<Rule> rules = new ArrayList<>();
        if (root.isPresent() && !(root.get() instanceof MappingNode)) {
            yaml.problem(
                    root.get(),
                    "the policy must be a mapping with 'version' and 'rules'.",
                    "Start the file with 'version: \"1\"' and a 'rules:' list (see docs/policy.md).");
        } else if (root.isPresent()) {
            Map<String, Node> top = yaml.mapping(root.get(), "the policy", TOP_KEYS);
            Node version = top.get("version");
            if (version == null) {
                yaml.problem(root.get(), "the policy has no 'version'.", "Add 'version: \"1\"' as the first line.");
            } else if (!"1".equals(yaml.string(version, "version"))) {
                yaml.problem(version, "unsupported policy version.", "Use version: \"1\".");
            }
            if (top.containsKey("description")) {
                yaml.string(top.get("description"), "description");
            }
            Node rulesNode = top.get("rules");
            if (rulesNode == null) {
                yaml.problem(
                        root.get(),
                        "the policy has no 'rules'.",
                        "Add a 'rules:' list; with no rules every request is denied.");
            } else {
                List<Node> items = yaml.sequence(rulesNode, "rules");
                for (int i = 0; i < items.size(); i++) {
                    Rule rule = rule(items.get(i), i);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(ErrorCode.POLICY_INVALID, "Policy " + source, yaml.problems());
        }
        return new Policy(rules);
    }

    private Rule rule(Node node, int index) {
        String where = "rule #" + (index + 1);
        Map<String, Node> fields = yaml.mapping(node, where, RULE_KEYS);
        if (fields.isEmpty() && yaml.hasProblems()) {
            return null;
        }
        String name = null;
        if (fields.containsKey("name")) {
            name = yaml.string(fields.get("name"), where + " name");
        } else {
            yaml.problem(node, where + " has no name.", "Add 'name: <unique-name>'; decisions quote it.");
        }
        if (name != null) {
            // Checked here, before the rule's other fields: a rule with another mistake still claims its name.
            if (!ruleNames.add(name)) {
                yaml.problem(
                        node,
                        "rule name '" + name + "' is used twice.",
                        "Give every rule a unique name; decisions and logs quote it.");
            }
            where = "rule '" + name + "'";
        }
        Effect effect = null;
        Node effectNode = fields.get("effect");
        if (effectNode == null) {
            yaml.problem(node, where + " has no effect.", "Add 'effect:' with one of " + effectNames() + ".");
        } else {
            String text = yaml.string(effectNode, where + " effect");
            if (text != null) {
                effect = Effect.fromYaml(text).orElse(null);
                if (effect == null) {
                    String guess = StrictYaml.closest(text.replace('-', '_').toLowerCase(Locale.ROOT), effectNames());
                    yaml.problem(
                            effectNode,
                            "unknown effect '" + text + "' in " + where + ".",
                            guess != null ? "did you mean '" + guess + "'?" : "use one of " + effectNames() + ".");
                }
            }
        }
        Conditions conditions =
                fields.containsKey("conditions") ? conditions(fields.get("conditions"), where) : Conditions.ANY;
        String reason = fields.containsKey("reason") ? yaml.string(fields.get("reason"), where + " reason") : null;
        if (fields.containsKey("description")) {
            yaml.string(fields.get("description"), where + " description");
        }
        Duration maxDuration = duration(fields.get("max_duration"), where + " max_duration");
        Duration maxServerDuration = duration(fields.get("max_server_duration"), where + " max_server_duration");
        if (name == null || effect == null || conditions == null) {
            return null;
        }
        return new Rule(name, effect, conditions, reason, maxDuration, maxServerDuration, StrictYaml.line(node));
    }

    private Conditions conditions(Node node, String where) {
        Map<String, Node> fields = yaml.mapping(node, where + " conditions", CONDITION_KEYS);
        NameSet profiles = shared.profiles(fields.get("profiles"), where + " profiles");
        NameSet users = shared.users(fields.get("users"), where + " users");
        Set<Mode> modes = EnumSet.noneOf(Mode.class);
        if (fields.containsKey("mode")) {
            yaml.forEachString(fields.get("mode"), where + " mode", (item, text) -> {
                Optional<Mode> mode = Mode.fromYaml(text);
                if (mode.isPresent()) {
                    modes.add(mode.get());
                } else {
                    yaml.problem(
                            item,
                            "unknown mode '" + text + "' in " + where + ".",
                            "use any of cli, credential_process, server.");
                }
            });
        }
        TimeCondition time = fields.containsKey("time") ? shared.time(fields.get("time"), where) : null;
        DeviceCondition device = fields.containsKey("device") ? device(fields.get("device"), where) : null;
        return new Conditions(profiles, users, modes, time, device);
    }

    private DeviceCondition device(Node node, String where) {
        Map<String, Node> fields = yaml.mapping(node, where + " device", DEVICE_KEYS);
        boolean encryption = flag(fields, "require_encryption", where);
        boolean mdm = flag(fields, "require_mdm", where);
        boolean compliant = flag(fields, "require_mdm_compliant", where);
        boolean firewall = flag(fields, "require_firewall", where);
        String minVersion = null;
        if (fields.containsKey("min_os_version")) {
            minVersion = yaml.string(fields.get("min_os_version"), where + " min_os_version");
            if (minVersion != null && !VERSION.matcher(minVersion).matches()) {
                yaml.problem(
                        fields.get("min_os_version"),
                        where + " min_os_version '" + minVersion + "' is not a version.",
                        "Write dotted numbers in quotes, for example \"14.2\".");
                minVersion = null;
            }
        }
        Set<String> osTypes = new HashSet<>();
        if (fields.containsKey("allowed_os_types")) {
            yaml.forEachString(fields.get("allowed_os_types"), where + " allowed_os_types", (item, text) -> {
                String lower = text.toLowerCase(Locale.ROOT);
                if (OS_TYPES.contains(lower)) {
                    osTypes.add(lower);
                } else {
                    yaml.problem(
                            item, "unknown OS type '" + text + "' in " + where + ".", "use any of " + OS_TYPES + ".");
                }
            });
        }
        if (fields.isEmpty()) {
            yaml.problem(node, where + " device has no requirements.", "Add a requirement or remove 'device'.");
        }
        return new DeviceCondition(encryption, mdm, compliant, firewall, minVersion, osTypes);
    }

    private boolean flag(Map<String, Node> fields, String key, String where) {
        Node node = fields.get(key);
        return node != null && Boolean.TRUE.equals(yaml.bool(node, where + " " + key));
    }

    private Duration duration(Node node, String what) {
        if (node == null) {
            return null;
        }
        Duration d = yaml.duration(node, what);
        if (d != null && (d.compareTo(MIN_CREDENTIAL_DURATION) < 0 || d.compareTo(MAX_CREDENTIAL_DURATION) > 0)) {
            yaml.problem(
                    node,
                    what + " " + DurationText.format(d) + " is outside what STS issues (15m to 12h).",
                    "Use a value from 15m to 12h.");
            return null;
        }
        return d;
    }

    private static List<String> effectNames() {
        List<String> names = new ArrayList<>();
        for (Effect e : Effect.values()) {
            names.add(e.yamlName());
        }
        return names;
    }
}
