package dev.sentinel.local.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.notify.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event on its way to the webhook, as kept in the outbox: a few {@code name: value} header lines, a
 * blank line, then the request body exactly as it is sent, so people can read it.
 */
record Delivery(
        String id, String type, Instant created, int attempts, Instant nextAttempt, String lastError, String body) {
    Delivery {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(created, "created is null");
        requireNonNull(nextAttempt, "nextAttempt is null");
        requireNonNull(lastError, "lastError is null");
        requireNonNull(body, "body is null");
        if (!id.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("delivery id must be 32 hex characters: " + id);
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts is negative: " + attempts);
        }
        type = headerSafe(type);
        lastError = oneLine(lastError);
    }

    static Delivery of(LifecycleEvent event, String id, Instant now) {
        return new Delivery(id, event.type(), now, 0, now, "", event.toJson());
    }

    /** This delivery after one more failed attempt, to be tried again at {@code next}. */
    Delivery failed(String error, Instant next) {
        return new Delivery(id, type, created, attempts + 1, next, error, body);
    }

    byte[] serialize() {
        StringBuilder out = new StringBuilder(body.length() + 256);
        out.append("id: ").append(id).append('\n');
        out.append("type: ").append(type).append('\n');
        out.append("created: ").append(created).append('\n');
        out.append("attempts: ").append(attempts).append('\n');
        out.append("next-attempt: ").append(nextAttempt).append('\n');
        out.append("last-error: ").append(lastError).append('\n');
        out.append('\n').append(body);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads what {@link #serialize} wrote.
     *
     * @throws IllegalArgumentException when the text is not a complete delivery
     */
    static Delivery parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            throw new IllegalArgumentException("no blank line between the headers and the body");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : text.substring(0, blank).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new IllegalArgumentException("not a 'name: value' header line: " + line);
            }
            headers.put(line.substring(0, colon), line.substring(colon + 2));
        }
        try {
            return new Delivery(
                    required(headers, "id"),
                    required(headers, "type"),
                    Instant.parse(required(headers, "created")),
                    Integer.parseInt(required(headers, "attempts")),
                    Instant.parse(required(headers, "next-attempt")),
                    headers.getOrDefault("last-error", ""),
                    text.substring(blank + 2));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad time: " + e.getParsedString(), e);
        }
    }

    private static String required(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no '" + name + "' header");
        }
        return value;
    }

    /** Event types are dotted lower-case words; anything else is replaced so it cannot break a header. */
    private static String headerSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean safe = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-';
            out.append(safe ? c : '_');
        }
        return out.length() == 0 ? "_" : out.toString();
    }

    private static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
