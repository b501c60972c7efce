package dev.sentinel.aws;

import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistryParser;
import dev.sentinel.registry.ProfileRegistrySource;
import java.time.Clock;
import java.time.Duration;

/**
 * The profile registry in an SSM parameter (the Lambda TVM), kept for {@code ttl} as {@link SsmDocument}
 * says: a missing, unreadable or invalid parameter is an error on every load.
 */
public final class SsmProfileRegistry implements ProfileRegistrySource {
    private final SsmDocument<ProfileRegistry> document;

    /** @param clients the server's own clients ({@link AwsClients#forService}) */
    public SsmProfileRegistry(AwsClients clients, String parameter, Duration ttl, Clock clock) {
        document = new SsmDocument<>(
                clients, parameter, "profile registry", "profiles.yaml", ProfileRegistryParser::parse, ttl, clock);
    }

    @Override
    public ProfileRegistry load() {
        return document.get();
    }
}
