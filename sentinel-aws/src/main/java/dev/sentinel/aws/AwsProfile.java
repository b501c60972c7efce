package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One profile from the AWS config files, as the SDK's profile parser read it. Only the keys Sentinel
 * acts on are exposed; everything else is left to the SDK's own credential providers.
 */
public record AwsProfile(String name, Map<String, String> properties) {
    public AwsProfile {
        requireNonNull(name, "name is null");
        properties = Map.copyOf(properties);
    }

    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    public Optional<String> roleArn() {
        return property("role_arn");
    }

    public Optional<String> sourceProfile() {
        return property("source_profile");
    }

    public Optional<String> credentialSource() {
        return property("credential_source");
    }

    public Optional<String> mfaSerial() {
        return property("mfa_serial");
    }

    public Optional<String> externalId() {
        return property("external_id");
    }

    public Optional<String> region() {
        return property("region");
    }

    public Optional<Duration> duration() {
        return property("duration_seconds").map(s -> Duration.ofSeconds(Long.parseLong(s)));
    }
}
