package dev.sentinel.credentials;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.SourceIdentity;

/**
 * Credentials and how they were obtained. {@code sourceIdentity} is the stamp STS recorded (it belongs to
 * the decision that first issued them when {@code cached} is true); it is null for GetSessionToken
 * credentials, which STS cannot stamp. {@code roleArn} is null when no role was assumed.
 */
public record IssuedCredentials(
        AwsCredentials credentials, SourceIdentity sourceIdentity, String roleArn, boolean cached) {
    public IssuedCredentials {
        requireNonNull(credentials, "credentials is null");
    }

    public IssuedCredentials fromCache() {
        return new IssuedCredentials(credentials, sourceIdentity, roleArn, true);
    }
}
