package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.signing.SignatureLookup;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Signatures of SSM policies, one parameter each: the policy {@code <policy prefix>/<name>} is signed by
 * {@code /sentinel/signatures/<name>}.
 */
public final class SsmSignatures implements SignatureLookup {
    public static final String DEFAULT_PREFIX = "/sentinel/signatures";

    private final AwsClients clients;
    private final String region;

    /** @param region the parameters' region, or null for each requesting profile's region */
    public SsmSignatures(AwsClients clients, String region) {
        this.clients = requireNonNull(clients, "clients is null");
        this.region = region;
    }

    public static String parameterFor(String binding) {
        return DEFAULT_PREFIX + "/" + binding;
    }

    @Override
    public Optional<String> signatureOf(ProfileName requester, LoadedPolicy policy) {
        String name = parameterFor(bindingOf(policy));
        try {
            return Optional.of(clients.ssm(requester, region)
                    .getParameter(b -> b.name(name))
                    .parameter()
                    .value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "read signature " + name + " from SSM", clients.endpointDescription(requester, "SSM"));
        }
    }

    @Override
    public String bindingOf(LoadedPolicy policy) {
        String source = policy.source();
        if (!source.startsWith("ssm:")) {
            throw new SentinelException(
                    ErrorCode.POLICY_SIGNATURE_INVALID, "Policy " + source + " did not come from SSM.", "");
        }
        return source.substring(source.lastIndexOf('/') + 1);
    }
}
