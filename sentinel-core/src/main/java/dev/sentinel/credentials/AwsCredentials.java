package dev.sentinel.credentials;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Temporary AWS credentials. A secret: a final class, not a record, whose {@code toString} shows only
 * the access key id, so it can never leak into a log line or an error message by accident.
 */
public final class AwsCredentials {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final Instant expiration;

    public AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
        this.accessKeyId = requireNonNull(accessKeyId, "accessKeyId is null");
        this.secretAccessKey = requireNonNull(secretAccessKey, "secretAccessKey is null");
        this.sessionToken = requireNonNull(sessionToken, "sessionToken is null");
        this.expiration = requireNonNull(expiration, "expiration is null");
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    public String sessionToken() {
        return sessionToken;
    }

    public Instant expiration() {
        return expiration;
    }

    @Override
    public String toString() {
        return "AwsCredentials[accessKeyId=" + accessKeyId + ", secret=<redacted>, expiration=" + expiration + "]";
    }
}
