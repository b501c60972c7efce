package dev.sentinel.credentials;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.ProfileName;
import java.time.Duration;

/**
 * What the gate asks an issuer for, after the policy allowed it. {@code maxDuration} is the policy's cap
 * on the credential lifetime, or null for none; {@code session} is the server session the credentials
 * are for, or null outside one.
 */
public record IssueRequest(
        ProfileName profile,
        CallerIdentity caller,
        SourceIdentity sourceIdentity,
        Duration maxDuration,
        RequestId session) {
    public IssueRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(caller, "caller is null");
        requireNonNull(sourceIdentity, "sourceIdentity is null");
    }

    /** A request outside any server session. */
    public IssueRequest(
            ProfileName profile, CallerIdentity caller, SourceIdentity sourceIdentity, Duration maxDuration) {
        this(profile, caller, sourceIdentity, maxDuration, null);
    }
}
