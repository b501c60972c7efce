package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.yaml.StrictYaml;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the condition blocks that Sentinel's policies share (the access, approval and break-glass
 * policies): lists of profile or user names, and the {@code time:} block. Problems go to the
 * {@link StrictYaml} it was built with, with the same messages in every policy. Time zones are resolved
 * here, at load, so evaluation never looks one up.
 */
public final class ConditionParser {
    private static final List<String> TIME_KEYS = List.of("days", "hours", "timezone");
    private static final List<String> HOURS_KEYS = List.of("start", "end");
    private static final Pattern HHMM = Pattern.compile("(\\d{2}):(\\d{2})");

    private final StrictYaml yaml;
    private final Map<String, ZoneId> zones = new HashMap<>();
    private final Map<String, Integer> ruleLines = new HashMap<>();

    public ConditionParser(StrictYaml yaml) {
        this.yaml = requireNonNull(yaml, "yaml is null");
    }

    /**
     * Profile names and {@code *} globs, each checked to be a usable AWS config profile name. Null when
     * {@code node} is null or lists nothing, which the caller reads as "any profile".
     */
    /**
     * A rule's {@code name}: required, and unique within the document (a repeat names the line of the first).
     *
     * @param rule the rule's node, where a missing name is reported
     * @param node the name's node, or null when the rule has none
     */
    public String uniqueRuleName(Node rule, Node node, String where) {
        if (node == null) {
            yaml.problem(rule, where + " has no name.", "Add 'name: <unique-name>'; every rule needs one.");
            return null;
        }
        String name = yaml.string(node, where + " name");
        if (name != null) {
            Integer first = ruleLines.putIfAbsent(name, StrictYaml.line(node));
            if (first != null) {
                yaml.problem(
                        node,
                        "rule name '" + name + "' is used twice (first on line " + first + ").",
                        "Give every rule a unique name.");
            }
        }
        return name;
    }

    public NameSet profiles(Node node, String what) {
        return names(node, what, true);
    }

    /** User names and {@code *} globs. Null when {@code node} is null or lists nothing. */
    public NameSet users(Node node, String what) {
        return names(node, what, false);
    }

    /**
     * Like {@link #profiles}, but a list written empty is a problem (fixed by {@code hint}) rather than "any
     * profile", so that a list emptied by mistake never widens a rule. Null when absent or on a problem.
     */
    public NameSet nonEmptyProfiles(Node node, String what, String hint) {
        return nonEmpty(node, what, hint) ? profiles(node, what) : null;
    }

    /** Like {@link #users}, but a list written empty is a problem (fixed by {@code hint}). */
    public NameSet nonEmptyUsers(Node node, String what, String hint) {
        return nonEmpty(node, what, hint) ? users(node, what) : null;
    }

    private boolean nonEmpty(Node node, String what, String hint) {
        if (node instanceof SequenceNode sequence && sequence.getValue().isEmpty()) {
            yaml.problem(node, what + " is an empty list.", hint);
            return false;
        }
        return node != null;
    }

    private NameSet names(Node node, String what, boolean profiles) {
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

    /**
     * The {@code time:} block: {@code days}, {@code hours} {@code [start, end)} (overnight windows allowed)
     * and an IANA {@code timezone} (default UTC). {@code where} names the owner in messages, for example
     * {@code rule 'oncall'}. Returns a condition even when problems were recorded; callers must not use it
     * then.
     */
    public TimeCondition time(Node node, String where) {
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
                zone = zones.computeIfAbsent(text, ConditionParser::zoneOrNull);
                if (zone == null) {
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
}
