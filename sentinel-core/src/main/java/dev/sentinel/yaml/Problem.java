package dev.sentinel.yaml;

import static java.util.Objects.requireNonNull;

/** One thing wrong with a document, at a 1-based line and column, with a hint that says how to fix it. */
public record Problem(String source, int line, int column, String message, String hint) {
    public Problem {
        requireNonNull(source, "source is null");
        requireNonNull(message, "message is null");
        hint = hint == null ? "" : hint;
    }

    public String render() {
        return source + ":" + line + ":" + column + ": " + message + (hint.isEmpty() ? "" : " Fix: " + hint);
    }
}
