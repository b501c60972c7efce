package dev.sentinel.aws;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** The one place where AWS SDK errors become Sentinel errors with a hint. SDK types never leave it. */
final class AwsErrors {
    private static final Set<String> ACCESS_DENIED =
            Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation");
    private static final Set<String> BAD_CREDENTIALS = Set.of(
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
            "InvalidAccessKeyId");

    private AwsErrors() {}

    /**
     * @param action what Sentinel was doing, e.g. "assume role arn:… for profile 'prod'"
     * @param endpoint where the call went (the override, or "the AWS default endpoint")
     */
    static SentinelException translate(SdkException e, String action, String endpoint) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails() == null
                    ? service.getMessage()
                    : service.awsErrorDetails().errorMessage();
            if (ACCESS_DENIED.contains(code) || service.statusCode() == 403 && !BAD_CREDENTIALS.contains(code)) {
                return new SentinelException(
                        ErrorCode.AWS_ACCESS_DENIED,
                        "AWS denied the call to " + action + ": " + message,
                        "The caller needs permission for it. For AssumeRole, the role's trust policy must allow both"
                                + " sts:AssumeRole and sts:SetSourceIdentity for your base identity (see docs/credentials.md).",
                        e);
            }
            if (BAD_CREDENTIALS.contains(code)) {
                return new SentinelException(
                        ErrorCode.CREDENTIALS_UNAVAILABLE,
                        "The base credentials were rejected while trying to " + action + " (" + code + "): " + message,
                        "Refresh them: for SSO run 'aws sso login', otherwise check the source profile's keys.",
                        e);
            }
            return new SentinelException(
                    ErrorCode.AWS_ERROR,
                    "AWS failed to " + action + " (" + code + "): " + message,
                    "Retry; if it persists, check the AWS service health and the request above.",
                    e);
        }
        if (isNetwork(e)) {
            return new SentinelException(
                    ErrorCode.AWS_UNREACHABLE,
                    "Cannot reach AWS at " + endpoint + " to " + action + ".",
                    "Check the network, and the endpoint settings (AWS_ENDPOINT_URL*, endpoint_url in the profile).",
                    e);
        }
        if (e instanceof SdkClientException
                && e.getMessage() != null
                && e.getMessage().contains("credentials")) {
            return new SentinelException(
                    ErrorCode.CREDENTIALS_UNAVAILABLE,
                    "No usable base credentials to " + action + ": " + firstLine(e.getMessage()),
                    "Give the source profile credentials (keys, SSO with 'aws sso login', or credential_process).",
                    e);
        }
        return new SentinelException(
                ErrorCode.AWS_ERROR,
                "AWS call failed while trying to " + action + ": " + firstLine(e.getMessage()),
                "Retry; if it persists, run with the same profile in the AWS CLI to compare.",
                e);
    }

    private static boolean isNetwork(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException
                    || t instanceof ApiCallTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
