package dev.sentinel.tvm;

import dev.sentinel.identity.CallerIdentity;

/**
 * Port: learns who sent a request to the token vending machine, from AWS: a signed GetCallerIdentity the
 * server forwards to STS ({@link StsProofAuthenticator}), or API Gateway's IAM authorization
 * ({@link GatewayIamAuthenticator}). Nothing else the caller says about itself is believed.
 */
public interface CallerAuthenticator {
    /**
     * @throws dev.sentinel.error.SentinelException UNAUTHENTICATED or IAM_AUTH_REQUIRED when the caller is
     *     not proven, AWS_UNREACHABLE or AWS_ERROR when AWS could not be asked
     */
    CallerIdentity authenticate(TvmRequest request);
}
