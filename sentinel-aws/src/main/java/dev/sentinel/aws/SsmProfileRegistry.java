package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistryParser;
import dev.sentinel.registry.ProfileRegistrySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The profile registry in an SSM parameter (the Lambda TVM), read with the server's own credentials and
 * kept for {@code ttl}, so a change reaches every instance within that time. A missing, unreadable or
 * invalid parameter is an error on every load (never an empty or stale registry).
 */
public final class SsmProfileRegistry implements ProfileRegistrySource {
    private final AwsClients clients;
    private final String parameter;
    private final Duration ttl;
    private final Clock clock;
    private ProfileRegistry cached;
    private Instant fetchedAt;

    /** @param clients the server's own clients ({@link AwsClients#forService}) */
    public SsmProfileRegistry(AwsClients clients, String parameter, Duration ttl, Clock clock) {
        this.clients = requireNonNull(clients, "clients is null");
        this.parameter = requireNonNull(parameter, "parameter is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public synchronized ProfileRegistry load() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(fetchedAt.plus(ttl))) {
            return cached;
        }
        cached = null;
        String text;
        try {
            text = clients.ssm(clients.requireService(), null)
                    .getParameter(b -> b.name(parameter).withDecryption(true))
                    .parameter()
                    .value();
        } catch (ParameterNotFoundException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The profile registry parameter " + parameter + " does not exist.",
                    "Create it with 'aws ssm put-parameter --name " + parameter
                            + " --type String --value file://profiles.yaml'.");
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e,
                    "read the profile registry " + parameter + " from SSM",
                    clients.endpointDescription(clients.requireService(), "SSM"));
        }
        cached = ProfileRegistryParser.parse("ssm:" + parameter, text);
        fetchedAt = now;
        return cached;
    }
}
