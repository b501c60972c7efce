package dev.sentinel.json;

/**
 * Writes one JSON object with fields in the order they are added. Deterministic output is a contract
 * (log lines are hashed and MAC'd byte for byte), so no reflection and no map ordering is involved.
 * Nulls are skipped: an absent field and a null field mean the same thing in every Sentinel format.
 */
public final class JsonWriter {
    private final StringBuilder out;
    private boolean first = true;
    private boolean closed;

    private JsonWriter(StringBuilder out) {
        this.out = out;
        out.append('{');
    }

    public static JsonWriter object() {
        return new JsonWriter(new StringBuilder(256));
    }

    public JsonWriter field(String name, String value) {
        if (value != null) {
            name(name);
            quote(out, value);
        }
        return this;
    }

    public JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    public JsonWriter field(String name, Integer value) {
        if (value != null) {
            name(name);
            out.append(value.intValue());
        }
        return this;
    }

    public JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    /** Adds a value that is already valid JSON (an object or array built elsewhere). */
    public JsonWriter rawField(String name, String json) {
        if (json != null) {
            name(name);
            out.append(json);
        }
        return this;
    }

    /** The text so far, without the closing brace; used to compute a MAC before it is appended. */
    public String openText() {
        return out.toString();
    }

    public String close() {
        if (!closed) {
            out.append('}');
            closed = true;
        }
        return out.toString();
    }

    private void name(String name) {
        if (closed) {
            throw new IllegalStateException("object already closed");
        }
        if (!first) {
            out.append(',');
        }
        first = false;
        quote(out, name);
        out.append(':');
    }

    public static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2);
        quote(sb, value);
        return sb.toString();
    }

    public static String array(Iterable<String> values) {
        StringBuilder sb = new StringBuilder().append('[');
        boolean firstValue = true;
        for (String value : values) {
            if (!firstValue) {
                sb.append(',');
            }
            firstValue = false;
            quote(sb, value);
        }
        return sb.append(']').toString();
    }

    private static void quote(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20
                            || c == '\u2028'
                            || c == '\u2029'
                            || Character.isSurrogate(c) && !validSurrogateAt(value, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
