package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;

/** Someone asks for credentials for a profile, in a mode. {@code device} may be null (unknown). */
public record AccessRequest(ProfileName profile, Mode mode, DevicePosture device) {
    public AccessRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(mode, "mode is null");
    }
}
