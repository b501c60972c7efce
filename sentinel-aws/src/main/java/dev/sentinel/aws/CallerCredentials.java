package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.ProfileName;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The user's own base credentials, for signing requests to a token vending machine: those of local
 * profile {@code profile} (its source profile when it assumes a role, as everywhere in Sentinel), or
 * without one the keys in the environment, else {@code AWS_PROFILE}'s or the {@code default} profile's,
 * else the SDK's default credentials chain. {@code profile} is the local profile used, if any.
 */
record CallerCredentials(AwsCredentialsProvider provider, AwsProfile profile, String who) {
    CallerCredentials {
        requireNonNull(provider, "provider is null");
        requireNonNull(who, "who is null");
    }

    static CallerCredentials of(AwsProfiles profiles, ProfileName profile) {
        AwsEnvironment env = profiles.environment();
        AwsClients clients = new AwsClients(profiles);
        if (profile != null) {
            AwsProfile chosen = profiles.require(profile);
            return new CallerCredentials(clients.baseCredentials(chosen), chosen, "profile '" + profile + "'");
        }
        Optional<String> key = env.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            AwsCredentials keys = env.get("AWS_SESSION_TOKEN")
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(key.get(), secret.get(), token))
                    .orElseGet(() -> AwsBasicCredentials.create(key.get(), secret.get()));
            return new CallerCredentials(StaticCredentialsProvider.create(keys), null, "the keys in AWS_ACCESS_KEY_ID");
        }
        String name = env.get("AWS_PROFILE").orElse("default");
        if (profiles.find(name).isPresent()) {
            AwsProfile chosen = profiles.require(new ProfileName(name));
            return new CallerCredentials(clients.baseCredentials(chosen), chosen, "profile '" + name + "'");
        }
        return new CallerCredentials(
                DefaultCredentialsProvider.builder()
                        .profileFile(profiles.file())
                        .build(),
                null,
                "the default AWS credentials");
    }

    /** The region of the profile used, else the environment's. */
    Optional<String> region(AwsEnvironment env) {
        return Optional.ofNullable(profile).flatMap(AwsProfile::region).or(env::region);
    }

    /**
     * The current credentials.
     *
     * @throws dev.sentinel.error.SentinelException CREDENTIALS_UNAVAILABLE when there are none
     */
    AwsCredentials resolve(String purpose, String endpoint) {
        try {
            return provider.resolveCredentials();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, purpose + " with " + who, endpoint);
        }
    }
}
