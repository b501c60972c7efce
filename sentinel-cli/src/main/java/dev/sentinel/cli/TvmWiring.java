package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.aws.AwsClients;
import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.DynamoDbRateLimiter;
import dev.sentinel.aws.RegistryRoleIssuer;
import dev.sentinel.aws.SsmPolicySource;
import dev.sentinel.aws.SsmSignatures;
import dev.sentinel.aws.StsIdentityProver;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.gate.Gate;
import dev.sentinel.local.registry.FileProfileRegistry;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.ratelimit.InMemoryRateLimiter;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.registry.ProfileRegistrySource;
import dev.sentinel.server.InMemoryCachingCredentialIssuer;
import dev.sentinel.session.SessionStore;
import dev.sentinel.tvm.StsProofAuthenticator;
import dev.sentinel.tvm.TokenVendingMachine;
import dev.sentinel.tvm.TvmHttpServer;
import dev.sentinel.tvm.TvmTimings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The composition root of the standalone token vending machine ({@code sentinel tvm serve}): the policy
 * source, decision log, session store and workflows of {@code config.yaml}, the profile registry file, and
 * every AWS call made with the server's own credentials.
 */
final class TvmWiring {
    /**
     * @param stsEndpoint where identity proofs are forwarded, or null for the environment's STS endpoint
     * @param awsProfile the local profile with the server's own credentials, or null for the default ones
     * @param rateTable the DynamoDB table shared by several servers, or null to count in memory
     */
    record Options(
            Path registry,
            String serverId,
            InetSocketAddress address,
            URI stsEndpoint,
            String awsProfile,
            RequestRate rate,
            String rateTable) {
        Options {
            requireNonNull(registry, "registry is null");
            requireNonNull(serverId, "serverId is null");
            requireNonNull(address, "address is null");
            requireNonNull(rate, "rate is null");
            serverId = serverId.toLowerCase(Locale.ROOT);
        }
    }

    /** A running server and where it forwards identity proofs. */
    /** A started server; closing it stops it and writes the session refreshes counted in memory. */
    record Running(TvmHttpServer server, URI stsEndpoint, SessionStore sessions) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            sessions.flush();
        }
    }

    private TvmWiring() {}

    static Running start(Platform platform, Options options) throws IOException {
        return start(platform, options, null);
    }

    /** @param timings where each request's time is recorded (load tests), or null */
    static Running start(Platform platform, Options options, TvmTimings timings) throws IOException {
        Sentinel sentinel = Sentinel.open(platform);
        AwsProfiles profiles = new AwsProfiles(new AwsEnvironment(platform.env(), platform.userHome()));
        AwsClients clients = AwsClients.forService(
                profiles, options.awsProfile() == null ? null : Profiles.parse(options.awsProfile()));
        ProfileRegistrySource registry = new FileProfileRegistry(options.registry());
        registry.load();
        SentinelConfig config = sentinel.config();
        PolicySource policies = sentinel.policies(
                () -> new SsmPolicySource(clients, config.ssmPrefix(), config.ssmRegion()),
                () -> new SsmSignatures(clients, config.ssmRegion()));
        CredentialIssuer roles = new RegistryRoleIssuer(clients, registry);
        CredentialIssuer fromSts = timings == null ? roles : request -> timings.sts(() -> roles.issue(request));
        Gate gate = sentinel.tvmGate(
                policies,
                new InMemoryCachingCredentialIssuer(
                        fromSts, InMemoryCachingCredentialIssuer.REFRESH_MARGIN, platform.clock()));
        RateLimiter limiter = options.rateTable() == null
                ? new InMemoryRateLimiter(options.rate())
                : new DynamoDbRateLimiter(clients.serviceDynamo(null), options.rateTable(), options.rate());
        URI sts = options.stsEndpoint() != null ? options.stsEndpoint() : StsIdentityProver.defaultEndpoint(profiles);
        TokenVendingMachine tvm = new TokenVendingMachine(
                new StsProofAuthenticator(
                        sts, options.serverId(), StsProofAuthenticator.defaultClient(), platform.clock(), timings),
                limiter,
                registry,
                gate,
                sentinel.sessions(),
                platform.clock(),
                platform.err()::println,
                timings);
        return new Running(TvmHttpServer.start(tvm, options.address()), sts, sentinel.sessions());
    }
}
