package dev.sentinel.policy;

import java.util.Locale;
import java.util.Optional;

/** How credentials are being asked for; policies can require a mode. */
public enum Mode {
    CLI,
    CREDENTIAL_PROCESS,
    SERVER;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Mode> fromYaml(String text) {
        for (Mode mode : values()) {
            if (mode.yamlName().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
