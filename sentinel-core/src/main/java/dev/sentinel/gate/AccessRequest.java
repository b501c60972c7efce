package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;

/**
 * Someone asks for credentials for a profile, in a mode. {@code device} may be null (unknown). A dry
 * run is decided and logged like any request, but nothing is issued and no cache is touched.
 */
public record AccessRequest(ProfileName profile, Mode mode, DevicePosture device, boolean dryRun) {
    public AccessRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(mode, "mode is null");
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device) {
        this(profile, mode, device, false);
    }
}
