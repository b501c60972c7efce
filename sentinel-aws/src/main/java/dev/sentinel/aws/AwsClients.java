package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.ProfileName;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
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
 *
 * <p>A server (the token vending machine) calls AWS with its own identity instead: {@link #forService}
 * builds clients that all use one set of credentials, whatever profile name a caller passes, because a
 * server's profile names are its registry's, not entries of its own AWS config.
 */
public final class AwsClients {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_REGION = "us-east-1";
    /** The name a server's clients are memoized under (see {@link #forService}). */
    private static final ProfileName SERVICE = new ProfileName("sentinel-service");

    private final AwsProfiles profiles;
    private final SdkHttpClient http;
    // Concurrent: a server's request threads share one set of clients.
    private final Map<String, StsClient> sts = new ConcurrentHashMap<>();
    private final Map<String, SsmClient> ssm = new ConcurrentHashMap<>();
    private final Map<String, KmsClient> kms = new ConcurrentHashMap<>();
    private final Map<String, DynamoDbClient> dynamo = new ConcurrentHashMap<>();

    /** The server's own credentials, or null when every call uses the named profile's base credentials. */
    private final AwsCredentialsProvider service;
    /** The profile the server's credentials come from, or null for the default credentials. */
    private final AwsProfile serviceProfile;

    public AwsClients(AwsProfiles profiles) {
        this(profiles, null, null);
    }

    private AwsClients(AwsProfiles profiles, AwsCredentialsProvider service, AwsProfile serviceProfile) {
        this.profiles = requireNonNull(profiles, "profiles is null");
        this.service = service;
        this.serviceProfile = serviceProfile;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(CALL_TIMEOUT)
                .build();
    }

    /**
     * Clients that call AWS as a server: with the full credentials of {@code awsProfile} (a role profile is
     * assumed), or when it is null with the keys in the environment, else the SDK's default credentials
     * chain (instance, container or Lambda credentials). The region is the profile's, then the
     * environment's; endpoint overrides apply as for any client.
     */
    public static AwsClients forService(AwsProfiles profiles, ProfileName awsProfile) {
        requireNonNull(profiles, "profiles is null");
        if (awsProfile != null) {
            AwsProfile profile = profiles.require(awsProfile);
            return new AwsClients(
                    profiles,
                    ProfileCredentialsProvider.builder()
                            .profileFile(profiles.file())
                            .profileName(profile.name())
                            .build(),
                    profile);
        }
        AwsEnvironment env = profiles.environment();
        Optional<String> key = env.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            AwsCredentials keys = env.get("AWS_SESSION_TOKEN")
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(key.get(), secret.get(), token))
                    .orElseGet(() -> AwsBasicCredentials.create(key.get(), secret.get()));
            return new AwsClients(profiles, StaticCredentialsProvider.create(keys), null);
        }
        return new AwsClients(
                profiles,
                DefaultCredentialsProvider.builder()
                        .profileFile(profiles.file())
                        .build(),
                null);
    }

    /** A server's STS client (see {@link #forService}). */
    public StsClient serviceSts() {
        return sts(requireService());
    }

    /** A server's DynamoDB client in {@code regionOverride}, or in its own region when that is null. */
    public DynamoDbClient serviceDynamo(String regionOverride) {
        return dynamo(requireService(), regionOverride);
    }

    /** The name a server's calls are memoized under; fails for clients that are not a server's. */
    ProfileName requireService() {
        if (service == null) {
            throw new IllegalStateException("these clients call AWS with each profile's own credentials");
        }
        return SERVICE;
    }

    /** Memoization key: a server's clients are the same whatever profile name they are asked for. */
    private String key(ProfileName name) {
        return service != null ? SERVICE.value() : name.value();
    }

    AwsProfiles profiles() {
        return profiles;
    }

    StsClient sts(ProfileName name) {
        return sts.computeIfAbsent(key(name), n -> configure(StsClient.builder(), name, "STS", null)
                .build());
    }

    SsmClient ssm(ProfileName name, String regionOverride) {
        return ssm.computeIfAbsent(
                key(name) + "\0" + regionOverride,
                n -> configure(SsmClient.builder(), name, "SSM", regionOverride).build());
    }

    KmsClient kms(ProfileName name) {
        return kms.computeIfAbsent(key(name), n -> configure(KmsClient.builder(), name, "KMS", null)
                .build());
    }

    /** An SNS client with {@code name}'s base credentials, for notifications and SMS codes. */
    public software.amazon.awssdk.services.sns.SnsClient sns(ProfileName name, String regionOverride) {
        return configure(software.amazon.awssdk.services.sns.SnsClient.builder(), name, "SNS", regionOverride)
                .build();
    }

    public DynamoDbClient dynamo(ProfileName name, String regionOverride) {
        return dynamo.computeIfAbsent(key(name) + "\0" + regionOverride, n -> configure(
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
        AwsProfile profile =
                service != null ? serviceProfile : profiles.find(name.value()).orElse(null);
        return profiles.environment()
                .endpoint(serviceEnvSuffix, profile)
                .orElse("the AWS " + serviceEnvSuffix + " endpoint");
    }

    private String region(ProfileName name) {
        if (service != null) {
            return Optional.ofNullable(serviceProfile)
                    .flatMap(AwsProfile::region)
                    .or(() -> profiles.environment().region())
                    .orElse(DEFAULT_REGION);
        }
        return profiles.region(name).orElse(DEFAULT_REGION);
    }

    private <B extends AwsClientBuilder<B, C>, C> B configure(
            B builder, ProfileName name, String serviceEnvSuffix, String regionOverride) {
        AwsProfile profile = service != null ? serviceProfile : profiles.require(name);
        String region = regionOverride != null ? regionOverride : region(name);
        builder.region(Region.of(region))
                .credentialsProvider(service != null ? service : baseCredentials(profile))
                .overrideConfiguration(o -> {
                    o.apiCallTimeout(CALL_TIMEOUT.multipliedBy(2))
                            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                    .maxAttempts(2)
                                    .build())
                            .defaultProfileFile(profiles.file());
                    if (profile != null) {
                        o.defaultProfileName(profile.name());
                    }
                });
        ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder).httpClient(http);
        profiles.environment()
                .endpoint(serviceEnvSuffix, profile)
                .map(URI::create)
                .ifPresent(builder::endpointOverride);
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
