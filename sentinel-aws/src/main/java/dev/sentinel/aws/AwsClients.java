package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.ProfileName;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds AWS clients for a profile: the profile's base credentials (its source profile or credential
 * source when it assumes a role, else its own), its region, the standard endpoint overrides, short
 * timeouts and at most two attempts. Clients are memoized per profile for the life of this object.
 */
public final class AwsClients {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_REGION = "us-east-1";

    private final AwsProfiles profiles;
    private final SdkHttpClient http;
    private final Map<String, StsClient> sts = new HashMap<>();
    private final Map<String, SsmClient> ssm = new HashMap<>();
    private final Map<String, KmsClient> kms = new HashMap<>();
    private final Map<String, DynamoDbClient> dynamo = new HashMap<>();

    public AwsClients(AwsProfiles profiles) {
        this.profiles = requireNonNull(profiles, "profiles is null");
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(CALL_TIMEOUT)
                .build();
    }

    AwsProfiles profiles() {
        return profiles;
    }

    StsClient sts(ProfileName name) {
        return sts.computeIfAbsent(name.value(), n -> configure(StsClient.builder(), name, "STS", null)
                .build());
    }

    SsmClient ssm(ProfileName name, String regionOverride) {
        return ssm.computeIfAbsent(
                name.value() + "\0" + regionOverride,
                n -> configure(SsmClient.builder(), name, "SSM", regionOverride).build());
    }

    KmsClient kms(ProfileName name) {
        return kms.computeIfAbsent(name.value(), n -> configure(KmsClient.builder(), name, "KMS", null)
                .build());
    }

    /** An SNS client with {@code name}'s base credentials, for notifications and SMS codes. */
    public software.amazon.awssdk.services.sns.SnsClient sns(ProfileName name, String regionOverride) {
        return configure(software.amazon.awssdk.services.sns.SnsClient.builder(), name, "SNS", regionOverride)
                .build();
    }

    public DynamoDbClient dynamo(ProfileName name, String regionOverride) {
        return dynamo.computeIfAbsent(name.value() + "\0" + regionOverride, n -> configure(
                        DynamoDbClient.builder(), name, "DYNAMODB", regionOverride)
                .build());
    }

    /**
     * Ends role credentials already handed out through IAM, called with {@code profile}'s base credentials
     * (a fresh client each time: revocations are rare).
     */
    public IamSourceIdentityRevoker sourceIdentityRevoker(ProfileName profile) {
        return new IamSourceIdentityRevoker(
                configure(IamClient.builder(), profile, "IAM", null).build(), endpointDescription(profile, "IAM"));
    }

    /** The session store in DynamoDB table {@code table}, called with {@code profile}'s base credentials. */
    public DynamoDbSessionStore sessionStore(ProfileName profile, String table, String region) {
        return new DynamoDbSessionStore(dynamo(profile, region), table);
    }

    /** Where calls for this service go, for messages: the override, or AWS's default endpoint. */
    String endpointDescription(ProfileName name, String serviceEnvSuffix) {
        return profiles.environment()
                .endpoint(serviceEnvSuffix, profiles.find(name.value()).orElse(null))
                .orElse("the AWS " + serviceEnvSuffix + " endpoint");
    }

    private <B extends AwsClientBuilder<B, C>, C> B configure(
            B builder, ProfileName name, String service, String regionOverride) {
        AwsProfile profile = profiles.require(name);
        String region = Optional.ofNullable(regionOverride)
                .or(() -> profiles.region(name))
                .orElse(DEFAULT_REGION);
        builder.region(Region.of(region))
                .credentialsProvider(baseCredentials(profile))
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT.multipliedBy(2))
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(2)
                                .build())
                        .defaultProfileFile(profiles.file())
                        .defaultProfileName(profile.name()));
        ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder).httpClient(http);
        profiles.environment().endpoint(service, profile).map(URI::create).ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The credentials a profile's own credentials are derived from. */
    AwsCredentialsProvider baseCredentials(AwsProfile profile) {
        if (profile.roleArn().isEmpty()) {
            return profileProvider(profile.name());
        }
        if (profile.credentialSource().isPresent()) {
            return switch (profile.credentialSource().get()) {
                case "Environment" -> EnvironmentVariableCredentialsProvider.create();
                case "Ec2InstanceMetadata" -> InstanceProfileCredentialsProvider.create();
                default -> ContainerCredentialsProvider.create();
            };
        }
        String source = profile.sourceProfile().orElseThrow();
        if (source.equals(profile.name())) {
            // A role profile that is its own source: its static keys are the base credentials.
            return StaticCredentialsProvider.create(profile.property("aws_session_token")
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(
                            key(profile, "aws_access_key_id"), key(profile, "aws_secret_access_key"), token))
                    .orElseGet(() -> AwsBasicCredentials.create(
                            key(profile, "aws_access_key_id"), key(profile, "aws_secret_access_key"))));
        }
        return profileProvider(source);
    }

    private static String key(AwsProfile profile, String name) {
        return profile.property(name)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.PROFILE_INVALID,
                        "Profile '" + profile.name() + "' is its own source_profile but has no " + name + ".",
                        "Add the keys to the profile, or point source_profile at the profile that has them."));
    }

    private AwsCredentialsProvider profileProvider(String name) {
        return ProfileCredentialsProvider.builder()
                .profileFile(profiles.file())
                .profileName(name)
                .build();
    }
}
