package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.registry.ProfileRegistrySource;
import dev.sentinel.registry.RegisteredProfile;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The token vending machine's issuer: AssumeRole, with the server's own credentials, on the role its
 * profile registry maps the profile to (never a role named by the caller), stamped with the decision's
 * SourceIdentity (also the RoleSessionName, so CloudTrail and the role session name the same caller).
 * The lifetime is the registry's {@code duration} (default one hour), capped by the policy, and never
 * below the 15 minutes STS requires.
 */
public final class RegistryRoleIssuer implements CredentialIssuer {
    static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    static final Duration MIN_DURATION = Duration.ofMinutes(15);

    private final AwsClients clients;
    private final ProfileRegistrySource registry;

    /** @param clients the server's own clients ({@link AwsClients#forService}) */
    public RegistryRoleIssuer(AwsClients clients, ProfileRegistrySource registry) {
        this.clients = requireNonNull(clients, "clients is null");
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    public IssuedCredentials issue(IssueRequest request) {
        RegisteredProfile profile = registry.load()
                .find(request.profile())
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.PROFILE_NOT_REGISTERED,
                        "No profile '" + request.profile() + "' is registered with this server.",
                        "Ask the server's operators to add it to the profile registry."));
        Duration duration = duration(profile, request.maxDuration());
        String stamp = request.sourceIdentity().format();
        try {
            Credentials c = clients.serviceSts()
                    .assumeRole(b -> b.roleArn(profile.roleArn())
                            .roleSessionName(stamp)
                            .sourceIdentity(stamp)
                            .durationSeconds((int) duration.toSeconds()))
                    .credentials();
            return new IssuedCredentials(
                    new AwsCredentials(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration()),
                    request.sourceIdentity(),
                    profile.roleArn(),
                    false);
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e,
                    "assume role " + profile.roleArn() + " for profile '" + profile.name() + "'",
                    clients.endpointDescription(profile.name(), "STS"));
        }
    }

    static Duration duration(RegisteredProfile profile, Duration policyCap) {
        Duration wanted = profile.duration() != null ? profile.duration() : DEFAULT_DURATION;
        if (policyCap != null && policyCap.compareTo(wanted) < 0) {
            wanted = policyCap;
        }
        return wanted.compareTo(MIN_DURATION) < 0 ? MIN_DURATION : wanted;
    }
}
