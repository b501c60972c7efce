package dev.sentinel.registry;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.ProfileName;
import java.time.Duration;

/**
 * A profile the token vending machine serves: the role it assumes for it and, optionally, the longest
 * credentials it asks STS for ({@code duration}, null for the default). The policy's
 * {@code max_server_duration} still caps the lifetime.
 */
public record RegisteredProfile(ProfileName name, String roleArn, Duration duration) {
    public RegisteredProfile {
        requireNonNull(name, "name is null");
        requireNonNull(roleArn, "roleArn is null");
        if (!ProfileRegistry.isRoleArn(roleArn)) {
            throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
        }
    }
}
