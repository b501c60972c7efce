package dev.sentinel.cli;

import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.util.Optional;

/** What the composition root needs from AWS; built lazily so a cached call creates no client. */
interface AwsAdapters {
    /** Identifies whose base credentials the profile uses, without a network call. */
    String fingerprint(ProfileName profile);

    Optional<String> region(ProfileName profile);

    IdentityResolver identities();

    CredentialIssuer issuer();

    PolicySource ssmPolicies(String prefix, String region);
}
