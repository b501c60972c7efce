package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Policies from SSM Parameter Store (team mode): {@code <prefix>/<profile>}, else
 * {@code <prefix>/default}. SecureString parameters are decrypted. The SSM call uses the requested
 * profile's base credentials, so it needs {@code ssm:GetParameter} on the prefix.
 */
public final class SsmPolicySource implements PolicySource {
    public static final String DEFAULT_PREFIX = "/sentinel/policies";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

    private final AwsClients clients;
    private final String prefix;
    private final String region;

    /** @param region the parameters' region, or null for the profile's region */
    public SsmPolicySource(AwsClients clients, String prefix, String region) {
        this.clients = requireNonNull(clients, "clients is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.region = region;
    }

    public static String parameterName(String prefix, ProfileName profile) {
        if (!SEGMENT.matcher(profile.value()).matches()) {
            throw new SentinelException(
                    ErrorCode.PROFILE_INVALID,
                    "Profile name '" + profile + "' cannot be part of an SSM parameter name.",
                    "SSM allows letters, digits, '_', '.' and '-'; rename the profile.");
        }
        return prefix + "/" + profile.value();
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        String own = parameterName(prefix, profile);
        String fallback = prefix + "/default";
        return fetch(profile, own)
                .or(() -> fetch(profile, fallback))
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.POLICY_NOT_FOUND,
                        "No policy governs profile '" + profile + "': SSM has neither " + own + " nor " + fallback
                                + ".",
                        "Create one with 'aws ssm put-parameter --name " + own
                                + " --type String --value file://policy.yaml'."));
    }

    private Optional<LoadedPolicy> fetch(ProfileName profile, String name) {
        String text;
        try {
            text = clients.ssm(profile, region)
                    .getParameter(b -> b.name(name).withDecryption(true))
                    .parameter()
                    .value();
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "read policy " + name + " from SSM", clients.endpointDescription(profile, "SSM"));
        }
        return Optional.of(LoadedPolicy.parse("ssm:" + name, text));
    }
}
