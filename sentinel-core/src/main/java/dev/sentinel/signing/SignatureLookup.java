package dev.sentinel.signing;

import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import java.util.Optional;

/** Port: where the signature of a loaded policy is kept (a file beside it, an SSM parameter, …). */
public interface SignatureLookup {
    /** The signature document for the policy that {@code requester}'s request loaded, or empty when it has none. */
    Optional<String> signatureOf(ProfileName requester, LoadedPolicy policy);

    /** The name the policy governs, which its signature must be bound to: the profile, or {@code default}. */
    String bindingOf(LoadedPolicy policy);
}
