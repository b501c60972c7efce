package dev.sentinel.identity;

import dev.sentinel.policy.ProfileName;

/** Port: learns who is asking for a profile's credentials, from AWS itself. */
public interface IdentityResolver {
    /**
     * Returns the identity behind the base credentials that the profile's credentials would be derived
     * from.
     *
     * @throws dev.sentinel.error.SentinelException when the profile or its base credentials cannot be
     *     resolved, or AWS cannot be reached
     */
    CallerIdentity resolve(ProfileName profile);
}
