package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.ProfileName;
import software.amazon.awssdk.core.exception.SdkException;

/** Learns who is asking from STS GetCallerIdentity on the profile's base credentials. */
public final class StsIdentityResolver implements IdentityResolver {
    private final AwsClients clients;

    public StsIdentityResolver(AwsClients clients) {
        this.clients = requireNonNull(clients, "clients is null");
    }

    @Override
    public CallerIdentity resolve(ProfileName profile) {
        try {
            return CallerIdentity.fromArn(
                    clients.sts(profile).getCallerIdentity().arn());
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e,
                    "learn who is asking for profile '" + profile + "' (GetCallerIdentity)",
                    clients.endpointDescription(profile, "STS"));
        }
    }
}
