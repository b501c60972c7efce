package dev.sentinel.policy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.yaml.DurationText;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
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
    private static final List<String> TIME_KEYS = List.of("days", "hours", "timezone");
    private static final List<String> HOURS_KEYS = List.of("start", "end");
    private static final List<String> DEVICE_KEYS = List.of(
            "require_encryption",
            "require_mdm",
            "require_mdm_compliant",
            "require_firewall",
            "min_os_version",
            "allowed_os_types");
    private static final List<String> OS_TYPES = List.of("darwin", "windows", "linux");
    private static final Pattern HHMM = Pattern.compile("(\\d{2}):(\\d{2})");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    private final Map<String, ZoneId> zones = new LinkedHashMap<>();
    private StrictYaml yaml;

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
                Set<String> names = new HashSet<>();
                List<Node> items = yaml.sequence(rulesNode, "rules");
                for (int i = 0; i < items.size(); i++) {
                    Rule rule = rule(items.get(i), i);
                    if (rule != null) {
                        if (!names.add(rule.name())) {
                            yaml.problem(
                                    items.get(i),
                                    "rule name '" + rule.name() + "' is used twice.",
                                    "Give every rule a unique name; decisions and logs quote it.");
                        }
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
        NameSet profiles = nameSet(fields.get("profiles"), where + " profiles", true);
        NameSet users = nameSet(fields.get("users"), where + " users", false);
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
        TimeCondition time = fields.containsKey("time") ? time(fields.get("time"), where) : null;
        DeviceCondition device = fields.containsKey("device") ? device(fields.get("device"), where) : null;
        return new Conditions(profiles, users, modes, time, device);
    }

    private NameSet nameSet(Node node, String what, boolean profiles) {
        if (node == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        yaml.forEachString(node, what, (item, name) -> {
            if (profiles && !ProfileName.isValid(name.replace("*", "x"))) {
                yaml.problem(
                        item,
                        "'" + name + "' in " + what + " is not a valid profile name.",
                        "Use the profile's name from ~/.aws/config (without the 'profile ' prefix).");
            }
            names.add(name);
        });
        return names.isEmpty() ? null : new NameSet(names);
    }

    private TimeCondition time(Node node, String where) {
        Map<String, Node> fields = yaml.mapping(node, where + " time", TIME_KEYS);
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (fields.containsKey("days")) {
            yaml.forEachString(fields.get("days"), where + " days", (item, text) -> {
                DayOfWeek day = day(text);
                if (day == null) {
                    yaml.problem(
                            item,
                            "'" + text + "' in " + where + " days is not a day of the week.",
                            "use monday, tuesday, wednesday, thursday, friday, saturday or sunday.");
                } else {
                    days.add(day);
                }
            });
        }
        Integer start = null;
        Integer end = null;
        if (fields.containsKey("hours")) {
            Map<String, Node> hours = yaml.mapping(fields.get("hours"), where + " hours", HOURS_KEYS);
            if (!hours.containsKey("start") || !hours.containsKey("end")) {
                yaml.problem(
                        fields.get("hours"),
                        where + " hours needs both start and end.",
                        "For example hours: {start: \"08:00\", end: \"18:00\"}.");
            } else {
                start = minuteOfDay(hours.get("start"), where + " hours start", false);
                end = minuteOfDay(hours.get("end"), where + " hours end", true);
                if (start != null && end != null && start.equals(end)) {
                    yaml.problem(
                            fields.get("hours"),
                            where + " hours start and end are equal, so the window is empty.",
                            "Remove 'hours' to allow the whole day, or widen the window.");
                    start = null;
                }
                if (start == null || end == null) {
                    start = null;
                    end = null;
                }
            }
        }
        ZoneId zone = ZoneOffset.UTC;
        if (fields.containsKey("timezone")) {
            Node zoneNode = fields.get("timezone");
            String text = yaml.string(zoneNode, where + " timezone");
            if (text != null) {
                zone = zones.computeIfAbsent(text, PolicyParser::zoneOrNull);
                if (zone == null) {
                    zones.remove(text);
                    yaml.problem(
                            zoneNode,
                            "unknown time zone '" + text + "' in " + where + ".",
                            "Use an IANA name such as Europe/Berlin, America/New_York or UTC.");
                    zone = ZoneOffset.UTC;
                }
            }
        }
        if (days.isEmpty() && start == null && !fields.containsKey("days") && !fields.containsKey("hours")) {
            yaml.problem(node, where + " time has neither days nor hours.", "Add days or hours, or remove 'time'.");
        }
        return new TimeCondition(days, start, end, zone);
    }

    private static ZoneId zoneOrNull(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static DayOfWeek day(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            String name = day.name().toLowerCase(Locale.ROOT);
            if (name.equals(lower) || name.substring(0, 3).equals(lower)) {
                return day;
            }
        }
        return null;
    }

    private Integer minuteOfDay(Node node, String what, boolean allowEndOfDay) {
        String text = yaml.string(node, what);
        if (text == null) {
            return null;
        }
        Matcher m = HHMM.matcher(text);
        if (m.matches()) {
            int hour = Integer.parseInt(m.group(1));
            int minute = Integer.parseInt(m.group(2));
            if (hour < 24 && minute < 60) {
                return hour * 60 + minute;
            }
            if (allowEndOfDay && hour == 24 && minute == 0) {
                return 24 * 60;
            }
        }
        yaml.problem(
                node,
                what + " '" + text + "' is not a time of day.",
                "Write 24-hour HH:MM in quotes, for example \"08:00\" or \"17:30\""
                        + (allowEndOfDay ? " (\"24:00\" for midnight)." : "."));
        return null;
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
