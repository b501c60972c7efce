package dev.sentinel.cli;

import dev.sentinel.aws.AwsClients;
import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.ConfigFingerprint;
import dev.sentinel.aws.KmsPolicyKey;
import dev.sentinel.aws.SsmPolicySource;
import dev.sentinel.aws.SsmPolicyStore;
import dev.sentinel.aws.SsmSignatures;
import dev.sentinel.aws.StsCredentialIssuer;
import dev.sentinel.aws.StsIdentityResolver;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.signing.SignatureLookup;
import java.io.Console;
import java.util.Optional;
import java.util.Set;

/**
 * The AWS half of the composition root. Profiles are read on first use (cheap, no client); clients are
 * built only when a call actually needs AWS.
 */
final class AwsWiring implements AwsAdapters {
    private final Platform platform;
    private AwsProfiles profiles;
    private AwsClients clients;

    AwsWiring(Platform platform) {
        this.platform = platform;
    }

    @Override
    public String fingerprint(ProfileName profile) {
        return new ConfigFingerprint(environment()).of(profile);
    }

    @Override
    public Optional<String> region(ProfileName profile) {
        return profiles().region(profile);
    }

    @Override
    public Set<String> profileNames() {
        return profiles().names();
    }

    @Override
    public IdentityResolver identities() {
        return new StsIdentityResolver(clients());
    }

    @Override
    public CredentialIssuer issuer() {
        return new StsCredentialIssuer(clients(), this::mfaToken);
    }

    @Override
    public PolicySource ssmPolicies(String prefix, String region) {
        return new SsmPolicySource(clients(), prefix, region);
    }

    @Override
    public SignatureLookup ssmSignatures(String region) {
        return new SsmSignatures(clients(), region);
    }

    @Override
    public PolicyStore ssmStore(ProfileName callerProfile, String prefix, String region) {
        return new SsmPolicyStore(clients(), callerProfile, prefix, region);
    }

    @Override
    public dev.sentinel.session.SessionStore dynamoSessions(ProfileName awsProfile, String table, String region) {
        return clients().sessionStore(awsProfile, table, region);
    }

    @Override
    public dev.sentinel.approval.ApprovalStore dynamoApprovals(ProfileName awsProfile, String table, String region) {
        return new dev.sentinel.aws.DynamoDbApprovalStore(clients().dynamo(awsProfile, region), table);
    }

    @Override
    public dev.sentinel.aws.DynamoDbBreakGlassStore dynamoBreakGlass(
            ProfileName awsProfile, String table, String region) {
        return new dev.sentinel.aws.DynamoDbBreakGlassStore(clients().dynamo(awsProfile, region), table);
    }

    @Override
    public dev.sentinel.mfa.CodeSender smsSender(ProfileName awsProfile, String region) {
        return new dev.sentinel.aws.SnsCodeSender(clients().sns(awsProfile, region));
    }

    @Override
    public dev.sentinel.notify.Notifier snsNotifier(
            ProfileName awsProfile, String region, String topicArn, java.util.function.Consumer<String> warnings) {
        return new dev.sentinel.aws.SnsNotifier(clients().sns(awsProfile, region), topicArn, warnings);
    }

    @Override
    public dev.sentinel.session.SourceIdentityRevoker iamRevoker(ProfileName awsProfile) {
        return clients().sourceIdentityRevoker(awsProfile);
    }

    @Override
    public KmsPolicyKey kmsKey(ProfileName awsProfile, String keyId) {
        return KmsPolicyKey.open(clients(), awsProfile, keyId);
    }

    private AwsProfiles profiles() {
        if (profiles == null) {
            profiles = new AwsProfiles(environment());
        }
        return profiles;
    }

    private AwsEnvironment environment() {
        return new AwsEnvironment(platform.env(), platform.userHome());
    }

    private AwsClients clients() {
        if (clients == null) {
            clients = new AwsClients(profiles());
        }
        return clients;
    }

    /** Asks on the terminal; without one, fails fast instead of waiting on a prompt nobody sees. */
    private String mfaToken(String profile, String serial) {
        Console console = System.console();
        if (!platform.interactive() || console == null) {
            throw new SentinelException(
                    ErrorCode.MFA_REQUIRED,
                    "Profile '" + profile + "' needs an MFA code (" + serial
                            + ") and no terminal is attached to ask for it.",
                    "Run 'sentinel exec --profile " + profile
                            + " -- true' in a terminal once; the credentials are then cached for"
                            + " credential_process.");
        }
        String code = console.readLine("MFA code for %s (%s): ", profile, serial);
        if (code == null || !code.trim().matches("\\d{6}")) {
            throw new SentinelException(
                    ErrorCode.MFA_REQUIRED,
                    "No valid 6-digit MFA code was entered for profile '" + profile + "'.",
                    "Enter the current code from your MFA device.");
        }
        return code.trim();
    }
}
