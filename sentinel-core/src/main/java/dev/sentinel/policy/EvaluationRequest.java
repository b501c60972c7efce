package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The facts a policy is evaluated against. {@code device} may be null when no posture is known. */
public record EvaluationRequest(ProfileName profile, String user, Mode mode, Instant time, DevicePosture device) {
    public EvaluationRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(user, "user is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(time, "time is null");
    }
}
