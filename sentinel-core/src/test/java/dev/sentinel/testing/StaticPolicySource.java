package dev.sentinel.testing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link PolicySource} that parses the same YAML text on every load (so an invalid text fails each load,
 * as a real source would), or always fails. It records every profile asked for.
 */
public final class StaticPolicySource implements PolicySource {
    public static final String SOURCE = "test-policy.yaml";

    private final String yaml;
    private final RuntimeException failure;
    private final List<ProfileName> loaded = new CopyOnWriteArrayList<>();

    private StaticPolicySource(String yaml, RuntimeException failure) {
        this.yaml = yaml;
        this.failure = failure;
    }

    public static StaticPolicySource of(String yaml) {
        return new StaticPolicySource(requireNonNull(yaml, "yaml is null"), null);
    }

    public static StaticPolicySource failingWith(RuntimeException failure) {
        return new StaticPolicySource(null, requireNonNull(failure, "failure is null"));
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        loaded.add(profile);
        if (failure != null) {
            throw failure;
        }
        return LoadedPolicy.parse(SOURCE, yaml);
    }

    public List<ProfileName> loaded() {
        return List.copyOf(loaded);
    }
}
