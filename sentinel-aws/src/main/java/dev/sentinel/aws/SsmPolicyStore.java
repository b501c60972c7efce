package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.ProfileName;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Policies published to SSM Parameter Store: {@code <prefix>/<name>} with its signature in
 * {@code /sentinel/signatures/<name>}. SSM keeps every previous version of a parameter. If the signature
 * cannot be written after the policy was, the previous policy value is put back.
 */
public final class SsmPolicyStore implements PolicyStore {
    private final AwsClients clients;
    private final ProfileName callerProfile;
    private final String prefix;
    private final String region;

    public SsmPolicyStore(AwsClients clients, ProfileName callerProfile, String prefix, String region) {
        this.clients = requireNonNull(clients, "clients is null");
        this.callerProfile = requireNonNull(callerProfile, "callerProfile is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.region = region;
    }

    @Override
    public String location(String name) {
        return "ssm:" + SsmPolicySource.parameterName(prefix, new ProfileName(name));
    }

    @Override
    public Optional<Stored> read(String name) {
        String parameter = SsmPolicySource.parameterName(prefix, new ProfileName(name));
        return get(parameter)
                .map(text -> new Stored(
                        name,
                        "ssm:" + parameter,
                        text,
                        get(SsmSignatures.parameterFor(name)).orElse(null)));
    }

    @Override
    public void write(String name, String text, String signature) {
        String parameter = SsmPolicySource.parameterName(prefix, new ProfileName(name));
        String signatureParameter = SsmSignatures.parameterFor(name);
        Optional<String> previous = get(parameter);
        put(parameter, text);
        try {
            if (signature == null) {
                delete(signatureParameter);
            } else {
                put(signatureParameter, signature);
            }
        } catch (SentinelException e) {
            previous.ifPresentOrElse(old -> put(parameter, old), () -> delete(parameter));
            throw new SentinelException(
                    e.code(), e.getMessage() + " The previous policy is back in place.", e.hint(), e);
        }
    }

    private void delete(String parameter) {
        try {
            ssm().deleteParameter(b -> b.name(parameter));
        } catch (ParameterNotFoundException e) {
            // Already absent.
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "delete " + parameter + " from SSM", clients.endpointDescription(callerProfile, "SSM"));
        }
    }

    private SsmClient ssm() {
        return clients.ssm(callerProfile, region);
    }

    private Optional<String> get(String parameter) {
        try {
            return Optional.of(ssm().getParameter(b -> b.name(parameter).withDecryption(true))
                    .parameter()
                    .value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "read " + parameter + " from SSM", clients.endpointDescription(callerProfile, "SSM"));
        }
    }

    private void put(String parameter, String value) {
        try {
            ssm().putParameter(b -> b.name(parameter)
                    .value(value)
                    .type(ParameterType.STRING)
                    .overwrite(true)
                    .tier(value.length() > 4096 ? ParameterTier.ADVANCED : ParameterTier.STANDARD));
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e, "write " + parameter + " to SSM", clients.endpointDescription(callerProfile, "SSM"));
        }
    }
}
