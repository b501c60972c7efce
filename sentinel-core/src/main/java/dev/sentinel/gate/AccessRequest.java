package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;

/**
 * Someone asks for credentials for a profile, in a mode. {@code device} may be null (unknown). A dry
 * run is decided and logged like any request, but nothing is issued and no cache is touched.
 * {@code session} names the tracked server session a server-mode request belongs to, or is null.
 */
public record AccessRequest(ProfileName profile, Mode mode, DevicePosture device, boolean dryRun, RequestId session) {
    public AccessRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(mode, "mode is null");
        if (session != null && mode != Mode.SERVER) {
            throw new IllegalArgumentException("only server-mode requests belong to a session");
        }
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device, boolean dryRun) {
        this(profile, mode, device, dryRun, null);
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device) {
        this(profile, mode, device, false, null);
    }

    /** A refresh of the local credential server within the tracked session {@code session}. */
    public static AccessRequest inSession(ProfileName profile, RequestId session) {
        return new AccessRequest(profile, Mode.SERVER, null, false, requireNonNull(session, "session is null"));
    }
}
