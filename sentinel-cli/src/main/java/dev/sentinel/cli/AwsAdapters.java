package dev.sentinel.cli;

import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.util.Optional;
import java.util.Set;

/** What the composition root needs from AWS; built lazily so a cached call creates no client. */
interface AwsAdapters {
    /** Identifies whose base credentials the profile uses, without a network call. */
    String fingerprint(ProfileName profile);

    Optional<String> region(ProfileName profile);

    /** The profile names in the AWS config, for lint; empty when there is no config. */
    Set<String> profileNames();

    IdentityResolver identities();

    CredentialIssuer issuer();

    PolicySource ssmPolicies(String prefix, String region);
}
