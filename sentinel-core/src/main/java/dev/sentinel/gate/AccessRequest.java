package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.DevicePosture;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;

/**
 * Someone asks for credentials for a profile, in a mode. {@code device} may be null (unknown). A dry
 * run is decided and logged like any request, but nothing is issued and no cache is touched.
 * {@code session} names the tracked server session a server-mode request belongs to, or is null.
 * {@code caller} is the caller as already authenticated by a server that is the trust boundary (the token
 * vending machine), or null when the gate learns it from the profile's base credentials.
 */
public record AccessRequest(
        ProfileName profile,
        Mode mode,
        DevicePosture device,
        boolean dryRun,
        RequestId session,
        CallerIdentity caller) {
    public AccessRequest {
        requireNonNull(profile, "profile is null");
        requireNonNull(mode, "mode is null");
        if (session != null && mode != Mode.SERVER) {
            throw new IllegalArgumentException("only server-mode requests belong to a session");
        }
        if (caller != null && mode != Mode.SERVER) {
            throw new IllegalArgumentException("only a server authenticates callers itself");
        }
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device, boolean dryRun, RequestId session) {
        this(profile, mode, device, dryRun, session, null);
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device, boolean dryRun) {
        this(profile, mode, device, dryRun, null);
    }

    public AccessRequest(ProfileName profile, Mode mode, DevicePosture device) {
        this(profile, mode, device, false, null);
    }

    /**
     * A server-mode request from a caller the server authenticated itself; {@code session} may be null.
     */
    public static AccessRequest authenticated(ProfileName profile, CallerIdentity caller, RequestId session) {
        return new AccessRequest(profile, Mode.SERVER, null, false, session, requireNonNull(caller, "caller is null"));
    }

    /** A refresh of the local credential server within the tracked session {@code session}. */
    public static AccessRequest inSession(ProfileName profile, RequestId session) {
        return new AccessRequest(profile, Mode.SERVER, null, false, requireNonNull(session, "session is null"));
    }
}
