package dev.sentinel.breakglass;

import java.util.Locale;
import java.util.Optional;

/** Why break-glass was invoked. */
public enum ReasonCode {
    INCIDENT,
    MAINTENANCE,
    SECURITY,
    RECOVERY,
    OTHER;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ReasonCode> fromYaml(String text) {
        for (ReasonCode code : values()) {
            if (code.yamlName().equals(text)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}
