package dev.sentinel.identity;

import static java.util.Objects.requireNonNull;

/**
 * How access was granted, as stamped into SourceIdentity: directly by a policy allow, by an approved
 * request, or by a break-glass event. The latter two carry the id of the request or event.
 */
public record Grant(Kind kind, RequestId reference) {
    public enum Kind {
        DIRECT('d'),
        APPROVAL('a'),
        BREAK_GLASS('b');

        private final char marker;

        Kind(char marker) {
            this.marker = marker;
        }

        public char marker() {
            return marker;
        }

        /** The name used in logs and JSON: {@code direct}, {@code approval} or {@code break_glass}. */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Grant DIRECT = new Grant(Kind.DIRECT, null);

    public Grant {
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.DIRECT) != (reference == null)) {
            throw new IllegalArgumentException(
                    "a direct grant has no reference; approval and break-glass grants need one");
        }
    }

    public static Grant approval(RequestId requestId) {
        return new Grant(Kind.APPROVAL, requireNonNull(requestId, "requestId is null"));
    }

    public static Grant breakGlass(RequestId eventId) {
        return new Grant(Kind.BREAK_GLASS, requireNonNull(eventId, "eventId is null"));
    }

    String encode() {
        return reference == null ? String.valueOf(kind.marker()) : kind.marker() + reference.value();
    }

    static Grant decode(String text) {
        if (text.isEmpty()) {
            return null;
        }
        for (Kind kind : Kind.values()) {
            if (text.charAt(0) == kind.marker()) {
                String rest = text.substring(1);
                if (kind == Kind.DIRECT) {
                    return rest.isEmpty() ? DIRECT : null;
                }
                return RequestId.isValid(rest) ? new Grant(kind, new RequestId(rest)) : null;
            }
        }
        return null;
    }
}
