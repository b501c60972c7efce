package dev.sentinel.credentials;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.policy.ProfileName;

/** Port: obtains credentials for a profile once the gate has allowed it. Issuers compose as decorators. */
public interface CredentialIssuer {
    /**
     * @throws dev.sentinel.error.SentinelException when credentials cannot be obtained
     */
    IssuedCredentials issue(IssueRequest request);

    /** Forgets anything kept for this caller and profile; called when the policy now refuses them. */
    default void discard(ProfileName profile, CallerIdentity caller) {}
}
