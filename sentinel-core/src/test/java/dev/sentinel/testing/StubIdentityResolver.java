package dev.sentinel.testing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.ProfileName;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link IdentityResolver} that answers with one fixed identity, or always fails; it records every profile asked for. */
public final class StubIdentityResolver implements IdentityResolver {
    private final CallerIdentity identity;
    private final RuntimeException failure;
    private final List<ProfileName> asked = new CopyOnWriteArrayList<>();

    private StubIdentityResolver(CallerIdentity identity, RuntimeException failure) {
        this.identity = identity;
        this.failure = failure;
    }

    public static StubIdentityResolver returning(CallerIdentity identity) {
        return new StubIdentityResolver(requireNonNull(identity, "identity is null"), null);
    }

    /** Resolves every profile to the IAM user {@code user} in account 123456789012. */
    public static StubIdentityResolver iamUser(String user) {
        return returning(CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + user));
    }

    public static StubIdentityResolver failingWith(RuntimeException failure) {
        return new StubIdentityResolver(null, requireNonNull(failure, "failure is null"));
    }

    @Override
    public CallerIdentity resolve(ProfileName profile) {
        asked.add(profile);
        if (failure != null) {
            throw failure;
        }
        return identity;
    }

    public List<ProfileName> asked() {
        return List.copyOf(asked);
    }
}
