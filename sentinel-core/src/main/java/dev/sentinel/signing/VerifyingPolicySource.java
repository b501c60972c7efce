package dev.sentinel.signing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.util.function.Supplier;

/**
 * Enforces signed policies: a policy whose signature is missing, made by another key, bound to another
 * name, or does not match its bytes is never returned, so nothing is issued under it.
 */
public final class VerifyingPolicySource implements PolicySource {
    private final PolicySource delegate;
    private final SignatureLookup signatures;
    private final Supplier<SignatureVerifier> verifier;

    /**
     * @param verifier built on first use, so a missing key is reported (and logged) as the refusal of the
     *     request that needed it
     */
    public VerifyingPolicySource(
            PolicySource delegate, SignatureLookup signatures, Supplier<SignatureVerifier> verifier) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.signatures = requireNonNull(signatures, "signatures is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        LoadedPolicy policy = delegate.load(profile);
        String document = signatures
                .signatureOf(profile, policy)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.POLICY_SIGNATURE_INVALID,
                        "Policy " + policy.source() + " has no signature, and signed policies are required.",
                        "Sign it with 'sentinel policy sign' or push it with 'sentinel policy push --sign'."));
        PolicySignature.fromJson(document, policy.source())
                .verify(verifier.get(), signatures.bindingOf(policy), policy.text(), policy.source());
        return policy;
    }
}
