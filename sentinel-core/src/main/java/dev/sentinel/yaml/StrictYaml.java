package dev.sentinel.yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a YAML document strictly, collecting every problem with its line and column: unknown keys
 * (with a "did you mean" suggestion), duplicate keys, and values of the wrong shape. Callers walk the
 * node tree through it and turn the collected problems into one {@link InvalidDocumentException}.
 */
public final class StrictYaml {
    private static final int MAX_DOCUMENT_CODE_POINTS = 1 << 20;

    private final String source;
    private final List<Problem> problems = new ArrayList<>();

    public StrictYaml(String source) {
        this.source = source;
    }

    public String source() {
        return source;
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Parses the text into a node tree; on a syntax error records the problem and returns empty. */
    public Optional<Node> parse(String text) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(20)
                .setCodePointLimit(MAX_DOCUMENT_CODE_POINTS)
                .build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                problems.add(new Problem(source, 1, 1, "the document is empty.", "Start with 'version: \"1\"'."));
            }
            return root;
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            problems.add(new Problem(
                    source,
                    mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1),
                    "YAML syntax error: " + e.getProblem() + ".",
                    "Check indentation and quoting around this position."));
            return Optional.empty();
        } catch (YamlEngineException e) {
            problems.add(new Problem(source, 1, 1, "YAML error: " + e.getMessage() + ".", ""));
            return Optional.empty();
        }
    }

    public void problem(Node at, String message, String hint) {
        problems.add(new Problem(source, line(at), column(at), message, hint));
    }

    public static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    public static int column(Node node) {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }

    /**
     * The keys and value nodes of a mapping, in document order. Unknown and duplicate keys are recorded
     * as problems and left out. Returns an empty map (after recording a problem) when the node is not a
     * mapping.
     */
    public Map<String, Node> mapping(Node node, String what, Collection<String> allowedKeys) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            problem(
                    node,
                    what + " must be a mapping of keys to values.",
                    "Write it as 'key: value' lines indented under its parent.");
            return entries;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problem(keyNode, "keys in " + what + " must be plain words.", "");
                continue;
            }
            String key = scalarKey.getValue();
            if (!allowedKeys.contains(key)) {
                String suggestion = closest(key, allowedKeys);
                problem(
                        keyNode,
                        "unknown key '" + key + "' in " + what + ".",
                        suggestion != null
                                ? "did you mean '" + suggestion + "'?"
                                : "allowed keys are " + allowedKeys + ".");
                continue;
            }
            if (entries.containsKey(key)) {
                problem(keyNode, "key '" + key + "' appears twice in " + what + ".", "Keep one of them.");
                continue;
            }
            entries.put(key, tuple.getValueNode());
        }
        return entries;
    }

    /**
     * The text of {@code key} when {@code node} is a mapping and that value is a non-empty scalar, without
     * recording anything: for naming an entry in messages before its keys are checked.
     */
    public static Optional<String> peek(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k
                        && k.getValue().equals(key)
                        && tuple.getValueNode() instanceof ScalarNode v
                        && !v.getTag().equals(Tag.NULL)
                        && !v.getValue().isBlank()) {
                    return Optional.of(v.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** A scalar as text, or null (after recording a problem) when the node is not a non-empty scalar. */
    public String string(Node node, String what) {
        if (node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            String value = scalar.getValue();
            if (!value.isBlank()) {
                return value;
            }
        }
        problem(node, what + " must be a non-empty text value.", "");
        return null;
    }

    /** A scalar or a list of scalars, as a list of texts; problems recorded for anything else. */
    public List<String> stringList(Node node, String what) {
        List<String> values = new ArrayList<>();
        forEachString(node, what, (item, value) -> values.add(value));
        return values;
    }

    /**
     * Like {@link #stringList}, but hands each text to {@code action} together with its own node, so that a
     * problem with one entry can point at that entry's line rather than at the start of the list.
     */
    public void forEachString(Node node, String what, BiConsumer<Node, String> action) {
        if (node instanceof ScalarNode) {
            String value = string(node, what);
            if (value != null) {
                action.accept(node, value);
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                String value = string(item, "each entry of " + what);
                if (value != null) {
                    action.accept(item, value);
                }
            }
        } else {
            problem(node, what + " must be a list, for example [a, b].", "");
        }
    }

    /** A sequence's items, or an empty list (after recording a problem) when the node is not a list. */
    public List<Node> sequence(Node node, String what) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        problem(node, what + " must be a list.", "Start each entry with '- '.");
        return List.of();
    }

    /** A boolean ({@code true} or {@code false}), or null after recording a problem. */
    public Boolean bool(Node node, String what) {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
            return Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT));
        }
        problem(node, what + " must be true or false.", "");
        return null;
    }

    /**
     * A whole number written without quotes (for example {@code 3}), or null after recording a problem.
     * Callers check the range.
     */
    public Integer integer(Node node, String what) {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
            try {
                return Integer.valueOf(scalar.getValue());
            } catch (NumberFormatException e) {
                problem(node, what + " " + scalar.getValue() + " is too large.", "Use a smaller number.");
                return null;
            }
        }
        problem(node, what + " must be a whole number.", "Write digits without quotes, for example 3.");
        return null;
    }

    /**
     * A duration written like {@code 90s}, {@code 15m} or {@code 1h30m}, or null (after recording a
     * problem) when the node is not one.
     */
    public Duration duration(Node node, String what) {
        String text = string(node, what);
        if (text == null) {
            return null;
        }
        Optional<Duration> parsed = DurationText.parse(text);
        if (parsed.isEmpty()) {
            problem(node, what + " '" + text + "' is not a duration.", "Write it like 90s, 30m, 1h or 1h30m.");
            return null;
        }
        return parsed.get();
    }

    /**
     * Like {@link #duration(Node, String)}, and also within {@code [min, max]}; null after recording a
     * problem whose fix is {@code hint}.
     */
    public Duration duration(Node node, String what, Duration min, Duration max, String hint) {
        Duration d = duration(node, what);
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            problem(
                    node,
                    what + " " + DurationText.format(d) + " is outside " + DurationText.format(min) + " to "
                            + DurationText.format(max) + ".",
                    hint);
            return null;
        }
        return d;
    }

    /** The allowed word nearest to {@code word} by edit distance (at most 2, or 3 for long words). */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(word.toLowerCase(java.util.Locale.ROOT), candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        int limit = word.length() > 8 ? 3 : 2;
        return bestDistance <= limit ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
