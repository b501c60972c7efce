package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalService;
import dev.sentinel.audit.AuditSink;
import dev.sentinel.aws.KmsPolicyKey;
import dev.sentinel.breakglass.BreakGlassService;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.crypto.Primitives;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.GrantLookup;
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
import dev.sentinel.local.policy.FilePolicyStore;
import dev.sentinel.local.session.SqliteSessionStore;
import dev.sentinel.local.signing.Ed25519PolicyKey;
import dev.sentinel.local.signing.SidecarSignatures;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.server.InMemoryCachingCredentialIssuer;
import dev.sentinel.session.SessionRevocation;
import dev.sentinel.session.SessionStore;
import dev.sentinel.session.SourceIdentityRevoker;
import dev.sentinel.signing.PolicySigner;
import dev.sentinel.signing.SignatureLookup;
import dev.sentinel.signing.SignatureVerifier;
import dev.sentinel.signing.VerifyingPolicySource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
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
    private SessionStore sessions;
    private Workflows workflows;

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
        return gate(false, null);
    }

    /** The approval and break-glass workflows, wired on first use. */
    Workflows workflows() {
        if (workflows == null) {
            workflows = new Workflows(platform, home, config.workflows(), aws, this::audit);
        }
        return workflows;
    }

    ApprovalService approvals() {
        return workflows().approvals();
    }

    BreakGlassService breakGlass() {
        return workflows().breakGlass();
    }

    private AuditSink audit() {
        return new FileAuditLog(config.logFile(), LocalKey.loadOrCreate(home.logKey()));
    }

    /**
     * The gate for the local credential server. Every refresh is decided again and touches its session, so
     * a policy change or a revocation takes effect at the next refresh. With the credential cache on, the
     * caller's identity may come from the cache, and credentials issued earlier in the same server run are
     * reused (in memory only) while more than {@link InMemoryCachingCredentialIssuer#REFRESH_MARGIN} is left, under the same grant
     * and within the lifetime the policy allows now.
     */
    Gate serverGate() {
        return gate(true, sessions());
    }

    /** Where server sessions are tracked: a SQLite file in the Sentinel home, or a DynamoDB table in team mode. */
    SessionStore sessions() {
        if (sessions == null) {
            sessions = config.sessionTable() == null
                    ? new SqliteSessionStore(home.stateDatabase())
                    : aws.dynamoSessions(
                            Profiles.parse(config.sessionAwsProfile()), config.sessionTable(), config.sessionRegion());
        }
        return sessions;
    }

    /** Revokes server sessions, and on request ends the credentials they handed out. */
    SessionRevocation revocation() {
        return new SessionRevocation(sessions(), platform.clock());
    }

    /**
     * Writes and removes the IAM denies that end handed-out credentials, with the credentials of
     * {@code awsProfileOverride} or else {@code sessions.revoke_aws_profile}.
     */
    SourceIdentityRevoker iamRevoker(String awsProfileOverride) {
        String profile = awsProfileOverride != null ? awsProfileOverride : config.revokeAwsProfile();
        if (profile == null) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "No AWS profile is set to write IAM deny policies with.",
                    "Pass --aws-profile, or set sessions.revoke_aws_profile in config.yaml. " + IAM_PERMISSIONS);
        }
        return aws.iamRevoker(Profiles.parse(profile));
    }

    static final String IAM_PERMISSIONS = "That profile needs iam:PutRolePolicy, iam:DeleteRolePolicy,"
            + " iam:ListRolePolicies and iam:GetRolePolicy on the protected roles (docs/credentials.md).";

    /**
     * @param server whether the gate serves the local credential server, which keeps its credentials in
     *     memory rather than in the file cache
     * @param sessions where server sessions are tracked, or null outside the server
     */
    private Gate gate(boolean server, SessionStore sessions) {
        AuditSink audit = audit();
        GrantLookup grants = workflows().grants();
        if (!config.credentialCache()) {
            return new Gate(
                            aws.identities(),
                            policies(),
                            aws.issuer(),
                            audit,
                            platform.clock(),
                            RequestId::random,
                            sessions)
                    .withGrants(grants);
        }
        byte[] cacheKey = LocalKey.loadOrCreate(home.cacheKey());
        CredentialCache cache =
                new CredentialCache(home.credentialCache(), subkey(cacheKey, "credential-cache"), aws::fingerprint);
        IdentityResolver identities =
                new CachingIdentityResolver(cache, aws::identities, IDENTITY_TTL, platform.clock());
        CredentialIssuer issuer = server
                ? new InMemoryCachingCredentialIssuer(
                        aws.issuer(), InMemoryCachingCredentialIssuer.REFRESH_MARGIN, platform.clock())
                : new CachingCredentialIssuer(cache, aws::issuer, config.refreshMargin(), platform.clock());
        return new Gate(identities, policies(), issuer, audit, platform.clock(), RequestId::random, sessions)
                .withGrants(grants);
    }

    /**
     * The gate of the token vending machine: every request carries the caller the server authenticated, so
     * the identity resolver is never asked; credentials come from {@code issuer}, decisions go to the
     * configured log, sessions to the configured store, and approvals and break-glass apply as configured.
     */
    Gate tvmGate(PolicySource policies, CredentialIssuer issuer) {
        IdentityResolver none = profile -> {
            throw new SentinelException(
                    ErrorCode.INTERNAL_ERROR, "the token vending machine passes every caller to the gate", "");
        };
        return new Gate(none, policies, issuer, audit(), platform.clock(), RequestId::random, sessions())
                .withGrants(workflows().grants());
    }

    IdentityResolver uncachedIdentity() {
        return aws.identities();
    }

    Set<String> awsProfileNames() {
        return aws.profileNames();
    }

    Optional<String> region(ProfileName profile) {
        return aws.region(profile);
    }

    /**
     * The configured policy source (local files or SSM), as the gate uses it. When signatures are
     * required, a policy is verified before use (an SSM policy once per cache period).
     */
    PolicySource policies() {
        return policies(
                () -> aws.ssmPolicies(config.ssmPrefix(), config.ssmRegion()),
                () -> aws.ssmSignatures(config.ssmRegion()));
    }

    /**
     * The configured policy source, where SSM is read through {@code ssm} and {@code ssmSignatures}: a
     * server reads it with its own credentials, because its profile names are not local AWS profiles.
     */
    PolicySource policies(Supplier<PolicySource> ssmPolicies, Supplier<SignatureLookup> ssmSignatures) {
        return switch (config.policySource()) {
            case FILE -> {
                PolicySource files = new FilePolicySource(config.policyPath());
                yield config.signatureRequired()
                        ? new VerifyingPolicySource(files, new SidecarSignatures(), this::verifier)
                        : files;
            }
            case SSM -> {
                PolicySource ssm = ssmPolicies.get();
                if (config.signatureRequired()) {
                    ssm = new VerifyingPolicySource(ssm, ssmSignatures.get(), this::verifier);
                }
                yield new DiskCachedPolicySource(
                        ssm,
                        home.policyCache(),
                        config.policyCacheTtl(),
                        subkey(LocalKey.loadOrCreate(home.cacheKey()), "policy-cache"),
                        platform.clock());
            }
        };
    }

    /** Where {@code policy pull/push/diff} read and write: the configured directory, or SSM with the caller's credentials. */
    PolicyStore store(ProfileName callerProfile) {
        return switch (config.policySource()) {
            case FILE -> new FilePolicyStore(config.policyPath(), platform.clock());
            case SSM -> aws.ssmStore(callerProfile, config.ssmPrefix(), config.ssmRegion());
        };
    }

    /** The configured signing key ({@code policy.signature.key}), or the one named on the command line. */
    PolicySigner signer(String keyOverride, String awsProfileOverride) {
        String key = keyOverride != null ? keyOverride : config.signingKey();
        if (key.equals(SentinelConfig.LOCAL_KEY)) {
            return Ed25519PolicyKey.loadOrCreate(home.policySigningKey(), home.policyPublicKey());
        }
        return kms(key, awsProfileOverride);
    }

    /** The verifier for the configured key, or for the one named on the command line. */
    SignatureVerifier verifier(String keyOverride, String awsProfileOverride, java.nio.file.Path publicKey) {
        String key = keyOverride != null ? keyOverride : config.signingKey();
        if (key.equals(SentinelConfig.LOCAL_KEY)) {
            return Ed25519PolicyKey.verifier(publicKey != null ? publicKey : home.policyPublicKey());
        }
        return kms(key, awsProfileOverride);
    }

    private SignatureVerifier verifier() {
        return verifier(null, null, null);
    }

    private KmsPolicyKey kms(String key, String awsProfileOverride) {
        if (!key.startsWith("kms:")) {
            throw new SentinelException(
                    ErrorCode.USAGE, "Unknown key '" + key + "'.", "Use 'local' or 'kms:<key id, alias or ARN>'.");
        }
        String profile = awsProfileOverride != null ? awsProfileOverride : config.signingAwsProfile();
        if (profile == null) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "A KMS key needs an AWS profile to call KMS with.",
                    "Pass --aws-profile, or set policy.signature.aws_profile in config.yaml.");
        }
        return aws.kmsKey(Profiles.parse(profile), key.substring(4));
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
