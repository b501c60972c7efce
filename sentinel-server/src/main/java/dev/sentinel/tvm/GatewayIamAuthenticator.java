package dev.sentinel.tvm;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;

/**
 * The Lambda front end's caller: the principal that API Gateway's IAM authorization verified
 * ({@code requestContext.authorizer.iam.userArn}). A request without one reached the function through a
 * route without {@code AWS_IAM} authorization, and is refused.
 */
public final class GatewayIamAuthenticator implements CallerAuthenticator {
    @Override
    public CallerIdentity authenticate(TvmRequest request) {
        String arn = request.gatewayPrincipalArn();
        if (arn == null || arn.isBlank()) {
            throw new SentinelException(
                    ErrorCode.IAM_AUTH_REQUIRED,
                    "This API accepts only requests signed with AWS credentials (API Gateway IAM authorization).",
                    "Sign requests with SigV4 for execute-api; operators: set every route's authorization to AWS_IAM.");
        }
        try {
            return CallerIdentity.fromArn(arn);
        } catch (SentinelException e) {
            throw new SentinelException(
                    ErrorCode.UNAUTHENTICATED,
                    "Cannot derive a user from the caller's AWS identity.",
                    "Call with the credentials of an IAM user, a role session or a federated user.");
        }
    }
}
