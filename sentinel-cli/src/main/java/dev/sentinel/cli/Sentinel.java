package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditSink;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.crypto.Primitives;
import dev.sentinel.gate.Gate;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.audit.FileAuditLog;
import dev.sentinel.local.cache.CachingCredentialIssuer;
import dev.sentinel.local.cache.CachingIdentityResolver;
import dev.sentinel.local.cache.CredentialCache;
import dev.sentinel.local.home.LocalKey;
import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.local.policy.DiskCachedPolicySource;
import dev.sentinel.local.policy.FilePolicySource;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CLI's composition root: reads the configuration and wires the gate from plain constructors. AWS
 * adapters are created only when something actually needs AWS, so a cached call with a local policy
 * never loads an SDK client.
 */
final class Sentinel {
    static final Duration IDENTITY_TTL = Duration.ofHours(1);

    private final Platform platform;
    private final SentinelHome home;
    private final SentinelConfig config;
    private final AwsAdapters aws;

    private Sentinel(Platform platform, SentinelHome home, SentinelConfig config, AwsAdapters aws) {
        this.platform = platform;
        this.home = home;
        this.config = config;
        this.aws = aws;
    }

    static Sentinel open(Platform platform) {
        return open(platform, new AwsWiring(platform));
    }

    static Sentinel open(Platform platform, AwsAdapters aws) {
        requireNonNull(platform, "platform is null");
        requireNonNull(aws, "aws is null");
        String configured = platform.env("SENTINEL_HOME");
        SentinelHome home = new SentinelHome(
                configured != null
                        ? platform.userHome().resolve(configured)
                        : platform.userHome().resolve(".sentinel"));
        return new Sentinel(platform, home, SentinelConfig.load(home, platform.userHome()), aws);
    }

    SentinelHome home() {
        return home;
    }

    SentinelConfig config() {
        return config;
    }

    Gate gate() {
        byte[] logKey = LocalKey.loadOrCreate(home.logKey());
        AuditSink audit = new FileAuditLog(config.logFile(), logKey);
        IdentityResolver identities;
        CredentialIssuer issuer;
        if (config.credentialCache()) {
            byte[] cacheKey = LocalKey.loadOrCreate(home.cacheKey());
            CredentialCache cache = new CredentialCache(
                    home.credentialCache(), subkey(cacheKey, "credential-cache"), profile -> aws().fingerprint(
                                    profile));
            identities = new CachingIdentityResolver(cache, () -> aws().identities(), IDENTITY_TTL, platform.clock());
            issuer = new CachingCredentialIssuer(cache, () -> aws().issuer(), config.refreshMargin(), platform.clock());
        } else {
            identities = aws().identities();
            issuer = aws().issuer();
        }
        return new Gate(identities, policies(), issuer, audit, platform.clock(), RequestId::random);
    }

    IdentityResolver uncachedIdentity() {
        return aws().identities();
    }

    Set<String> awsProfileNames() {
        return aws().profileNames();
    }

    Optional<String> region(ProfileName profile) {
        return aws().region(profile);
    }

    /** The configured policy source (local files or SSM), as the gate uses it. */
    PolicySource policies() {
        return switch (config.policySource()) {
            case FILE -> new FilePolicySource(config.policyPath());
            case SSM ->
                new DiskCachedPolicySource(
                        aws().ssmPolicies(config.ssmPrefix(), config.ssmRegion()),
                        home.policyCache(),
                        config.policyCacheTtl(),
                        subkey(LocalKey.loadOrCreate(home.cacheKey()), "policy-cache"),
                        platform.clock());
        };
    }

    private AwsAdapters aws() {
        return aws;
    }

    /** Derives a purpose-bound key, so one stored key never serves two algorithms. */
    private static byte[] subkey(byte[] key, String purpose) {
        try {
            Mac mac = Primitives.hmacSha256();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
