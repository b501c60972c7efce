package dev.sentinel.cli;

import dev.sentinel.aws.KmsPolicyKey;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.signing.SignatureLookup;
import java.util.Optional;
import java.util.Set;

/** What the composition root needs from AWS; built lazily so a cached call creates no client. */
interface AwsAdapters {
    /** Identifies whose base credentials the profile uses, without a network call. */
    String fingerprint(ProfileName profile);

    Optional<String> region(ProfileName profile);

    /** The profile names in the AWS config, for lint; empty when there is no config. */
    Set<String> profileNames();

    IdentityResolver identities();

    CredentialIssuer issuer();

    PolicySource ssmPolicies(String prefix, String region);

    SignatureLookup ssmSignatures(String region);

    PolicyStore ssmStore(ProfileName callerProfile, String prefix, String region);

    /** Server sessions in DynamoDB table {@code table}, called with the credentials of {@code awsProfile}. */
    dev.sentinel.session.SessionStore dynamoSessions(ProfileName awsProfile, String table, String region);

    /** Access requests in DynamoDB table {@code table}, called with the credentials of {@code awsProfile}. */
    dev.sentinel.approval.ApprovalStore dynamoApprovals(ProfileName awsProfile, String table, String region);

    /** Break-glass events and one-time-code state in DynamoDB table {@code table}. */
    dev.sentinel.aws.DynamoDbBreakGlassStore dynamoBreakGlass(ProfileName awsProfile, String table, String region);

    /** Sends SMS codes through SNS with the credentials of {@code awsProfile}. */
    dev.sentinel.mfa.CodeSender smsSender(ProfileName awsProfile, String region);

    /** Publishes workflow events to an SNS topic; delivery problems go to {@code warnings}. */
    dev.sentinel.notify.Notifier snsNotifier(
            ProfileName awsProfile, String region, String topicArn, java.util.function.Consumer<String> warnings);

    /** Ends role credentials already handed out through IAM, called with the credentials of {@code awsProfile}. */
    dev.sentinel.session.SourceIdentityRevoker iamRevoker(ProfileName awsProfile);

    /** A KMS signing key, called with the credentials of {@code awsProfile}. */
    KmsPolicyKey kmsKey(ProfileName awsProfile, String keyId);
}
