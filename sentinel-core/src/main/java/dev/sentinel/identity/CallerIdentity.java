package dev.sentinel.identity;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who is asking, as AWS itself reports it (DESIGN.md 4.1). The user name is derived from the ARN and
 * never from the operating system: IAM user → user name, assumed role → session name, federated user →
 * federated name, root → {@code root}.
 */
public record CallerIdentity(String arn, String accountId, PrincipalType type, String user) {
    private static final Pattern ARN = Pattern.compile(
            "arn:(aws(?:-[a-z]+)*):(iam|sts)::(\\d{12}):(user|assumed-role|federated-user|root)(?:/(.+))?");
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    public CallerIdentity {
        requireNonNull(arn, "arn is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(type, "type is null");
        requireNonNull(user, "user is null");
        if (!NAME.matcher(user).matches()) {
            throw invalid(arn, "the user name '" + user + "' is not a valid IAM name");
        }
    }

    /** Parses the ARN that STS GetCallerIdentity returned. */
    public static CallerIdentity fromArn(String arn) {
        requireNonNull(arn, "arn is null");
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw invalid(arn, "it is not the ARN of an IAM user, assumed role, federated user or root");
        }
        String service = m.group(2);
        String account = m.group(3);
        String kind = m.group(4);
        String rest = m.group(5);
        return switch (kind) {
            case "root" -> {
                requireService(arn, service, "iam");
                if (rest != null) {
                    throw invalid(arn, "a root ARN has no resource path");
                }
                yield new CallerIdentity(arn, account, PrincipalType.ROOT, "root");
            }
            case "user" -> {
                requireService(arn, service, "iam");
                yield new CallerIdentity(arn, account, PrincipalType.IAM_USER, lastSegment(arn, rest));
            }
            case "assumed-role" -> {
                requireService(arn, service, "sts");
                // assumed-role/<role name>/<session name>; role names cannot contain '/', paths are dropped.
                int slash = rest == null ? -1 : rest.indexOf('/');
                if (slash <= 0 || slash == rest.length() - 1) {
                    throw invalid(arn, "an assumed-role ARN needs a role name and a session name");
                }
                yield new CallerIdentity(arn, account, PrincipalType.ASSUMED_ROLE, rest.substring(slash + 1));
            }
            case "federated-user" -> {
                requireService(arn, service, "sts");
                yield new CallerIdentity(arn, account, PrincipalType.FEDERATED_USER, lastSegment(arn, rest));
            }
            default -> throw invalid(arn, "unknown principal kind");
        };
    }

    private static String lastSegment(String arn, String rest) {
        if (rest == null || rest.isEmpty() || rest.endsWith("/")) {
            throw invalid(arn, "it has no principal name");
        }
        return rest.substring(rest.lastIndexOf('/') + 1);
    }

    private static void requireService(String arn, String actual, String expected) {
        if (!actual.equals(expected)) {
            throw invalid(arn, "this principal kind belongs to the " + expected + " service");
        }
    }

    private static SentinelException invalid(String arn, String why) {
        return new SentinelException(
                ErrorCode.IDENTITY_INVALID,
                "Cannot derive a user from caller ARN '" + arn + "': " + why + ".",
                "Sentinel needs base credentials of an IAM user, a role session, a federated user or root;"
                        + " check the source profile's credentials with 'aws sts get-caller-identity'.");
    }
}
