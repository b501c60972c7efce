package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** Whether invoking break-glass needs a second factor, and which methods ({@code totp}, {@code sms}) count. */
public record MfaRequirement(boolean required, Set<String> methods) {
    public static final Set<String> METHODS = Set.of("totp", "sms");

    public MfaRequirement {
        methods = Set.copyOf(requireNonNull(methods, "methods is null"));
        if (!METHODS.containsAll(methods)) {
            throw new IllegalArgumentException("unknown MFA method in " + methods);
        }
        if (required && methods.isEmpty()) {
            throw new IllegalArgumentException("required MFA needs at least one method");
        }
    }
}
