package dev.sentinel.policy;

/** Port: where the policy for a profile comes from (local files, SSM Parameter Store, …). */
public interface PolicySource {
    /**
     * Loads, parses and validates the policy that governs {@code profile}.
     *
     * @throws dev.sentinel.error.SentinelException when it cannot be found, read, parsed or validated;
     *     the caller must then issue nothing
     */
    LoadedPolicy load(ProfileName profile);
}
