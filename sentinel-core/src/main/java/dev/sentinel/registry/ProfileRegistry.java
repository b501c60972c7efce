package dev.sentinel.registry;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.ProfileName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The token vending machine's profiles (DESIGN.md 4.1): profile names, the same names as in the users'
 * AWS config, each mapped to the role the server assumes for it. Callers only ever name a profile; a role
 * ARN is never taken from a request. Parsed by {@link ProfileRegistryParser}.
 */
public final class ProfileRegistry {
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws(?:-[a-z]+)*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private final String source;
    private final Map<ProfileName, RegisteredProfile> profiles;

    public ProfileRegistry(String source, List<RegisteredProfile> profiles) {
        this.source = requireNonNull(source, "source is null");
        Map<ProfileName, RegisteredProfile> byName = new TreeMap<>();
        for (RegisteredProfile profile : requireNonNull(profiles, "profiles is null")) {
            if (byName.put(profile.name(), profile) != null) {
                throw new IllegalArgumentException("profile " + profile.name() + " is registered twice");
            }
        }
        this.profiles = java.util.Collections.unmodifiableMap(byName);
    }

    /** Where the registry was read from, for messages and logs. */
    public String source() {
        return source;
    }

    public Optional<RegisteredProfile> find(ProfileName name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** Every registered profile, sorted by name. */
    public List<RegisteredProfile> profiles() {
        return List.copyOf(profiles.values());
    }

    /** Whether {@code text} is an IAM role ARN (what a request must never name). */
    public static boolean isRoleArn(String text) {
        return text != null && ROLE_ARN.matcher(text).matches();
    }
}
