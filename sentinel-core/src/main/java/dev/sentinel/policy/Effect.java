package dev.sentinel.policy;

import java.util.Locale;
import java.util.Optional;

/** What a matching rule says. No match at all is a deny (DESIGN.md 4.3). */
public enum Effect {
    ALLOW,
    DENY,
    REQUIRE_APPROVAL,
    REQUIRE_SERVER,
    REQUIRE_SERVER_SESSION;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Effect> fromYaml(String text) {
        for (Effect effect : values()) {
            if (effect.yamlName().equals(text)) {
                return Optional.of(effect);
            }
        }
        return Optional.empty();
    }
}
