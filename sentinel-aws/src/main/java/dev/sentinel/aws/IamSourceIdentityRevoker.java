package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.SourceIdentityRevoker;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Ends role credentials already handed out with an inline policy on the role, named
 * {@code sentinel-revoke-<session id>}, that denies every action when {@code aws:SourceIdentity} is one
 * of the session's stamps. The deny also carries {@code DateLessThan aws:CurrentTime <until>}: it stops
 * applying by itself once the credentials have expired, and that time is how {@link #removeExpired}
 * knows it may delete the policy.
 *
 * <p>IAM allows 10,240 characters (whitespace not counted) of inline policy per role, all policies
 * together. Before writing, the role's other inline policies are read and the total is checked, so a
 * deny that would not fit is refused with the numbers instead of failing half-way; IAM's own
 * {@code LimitExceeded} gives the same error. PutRolePolicy replaces the whole document at once, so a
 * deny is either entirely on the role or not at all. IAM is eventually consistent: a written deny may
 * take a few minutes to apply everywhere.
 *
 * <p>The AWS identity behind the client needs {@code iam:PutRolePolicy}, {@code iam:DeleteRolePolicy},
 * {@code iam:ListRolePolicies} and {@code iam:GetRolePolicy} on the protected roles.
 */
public final class IamSourceIdentityRevoker implements SourceIdentityRevoker {
    public static final String POLICY_PREFIX = "sentinel-revoke-";
    /** IAM's quota for all inline policies of one role together, whitespace not counted. */
    public static final int ROLE_INLINE_POLICY_LIMIT = 10_240;

    static final String PERMISSIONS_HINT = "The AWS profile that writes IAM (sessions.revoke_aws_profile or"
            + " --aws-profile) needs iam:PutRolePolicy, iam:DeleteRolePolicy, iam:ListRolePolicies and"
            + " iam:GetRolePolicy on the role (docs/credentials.md).";
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\x21-\\x7e]*/)?([\\w+=,.@-]{1,64})");
    private static final Pattern UNTIL =
            Pattern.compile("\"DateLessThan\"\\s*:\\s*\\{\\s*\"aws:CurrentTime\"\\s*:\\s*\"([^\"]+)\"");

    private final IamClient iam;
    private final String endpoint;

    /** @param endpoint where calls go, for messages (the override, or AWS's IAM endpoint) */
    public IamSourceIdentityRevoker(IamClient iam, String endpoint) {
        this.iam = requireNonNull(iam, "iam is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
    }

    /** The name of the deny for {@code session}; the same on every role. */
    public static String policyName(RequestId session) {
        return POLICY_PREFIX + session.value();
    }

    /**
     * The deny document, byte for byte: stamps sorted and without duplicates, {@code until} in whole
     * seconds (rounded up).
     */
    public static String document(RequestId session, Collection<SourceIdentity> stamps, Instant until) {
        if (stamps.isEmpty()) {
            throw new IllegalArgumentException("a deny needs at least one SourceIdentity");
        }
        TreeSet<String> sorted = new TreeSet<>();
        stamps.forEach(stamp -> sorted.add(stamp.format()));
        Instant end = until.getNano() == 0 ? until : until.plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder json = new StringBuilder(256 + sorted.size() * 40)
                .append("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"SentinelRevoke")
                .append(session.value())
                .append("\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":")
                .append("{\"StringEquals\":{\"aws:SourceIdentity\":[");
        String separator = "";
        for (String stamp : sorted) {
            // A SourceIdentity matches [\w+=,.@-]: nothing in it needs escaping in JSON.
            json.append(separator).append('"').append(stamp).append('"');
            separator = ",";
        }
        return json.append("]},\"DateLessThan\":{\"aws:CurrentTime\":\"")
                .append(end)
                .append("\"}}}]}")
                .toString();
    }

    @Override
    public Denial deny(RequestId session, String roleArn, Collection<SourceIdentity> stamps, Instant until) {
        String role = roleName(roleArn);
        String name = policyName(session);
        String document = document(session, stamps, until);
        try {
            int others = 0;
            for (String existing :
                    iam.listRolePoliciesPaginator(b -> b.roleName(role)).policyNames()) {
                if (!existing.equals(name)) {
                    others += size(policyDocument(role, existing));
                }
            }
            if (others + size(document) > ROLE_INLINE_POLICY_LIMIT) {
                throw tooLarge(roleArn, session, stamps.size(), others, size(document), null);
            }
            iam.putRolePolicy(b -> b.roleName(role).policyName(name).policyDocument(document));
            return Denial.WRITTEN;
        } catch (NoSuchEntityException e) {
            return Denial.ROLE_GONE;
        } catch (LimitExceededException e) {
            throw tooLarge(roleArn, session, stamps.size(), -1, size(document), e);
        } catch (SdkException e) {
            throw translate(e, "write the deny policy " + name + " on role " + roleArn);
        }
    }

    @Override
    public Removal removeExpired(String roleArn, Instant now) {
        String role = roleName(roleArn);
        List<String> removed = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try {
            for (String name :
                    iam.listRolePoliciesPaginator(b -> b.roleName(role)).policyNames()) {
                if (!name.startsWith(POLICY_PREFIX)) {
                    continue;
                }
                Instant until = until(policyDocument(role, name));
                if (until == null) {
                    unreadable.add(name);
                } else if (!now.isBefore(until)) {
                    delete(role, name);
                    removed.add(name);
                }
            }
        } catch (NoSuchEntityException e) {
            return new Removal(List.of(), List.of());
        } catch (SdkException e) {
            throw translate(e, "remove expired deny policies from role " + roleArn);
        }
        return new Removal(removed, unreadable);
    }

    private void delete(String role, String name) {
        try {
            iam.deleteRolePolicy(b -> b.roleName(role).policyName(name));
        } catch (NoSuchEntityException e) {
            // Removed by someone else in the meantime: the outcome is the same.
        }
    }

    private String policyDocument(String role, String name) {
        String document =
                iam.getRolePolicy(b -> b.roleName(role).policyName(name)).policyDocument();
        // IAM returns documents URL-encoded (RFC 3986); a document that already starts as JSON is not.
        return document.startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    }

    /** The end recorded in one of this revoker's denies, or null when the document does not have one. */
    static Instant until(String document) {
        Matcher m = UNTIL.matcher(document);
        if (!m.find()) {
            return null;
        }
        try {
            return Instant.parse(m.group(1));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Characters IAM counts against its size quotas: everything but whitespace. */
    static int size(String document) {
        int count = 0;
        for (int i = 0; i < document.length(); i++) {
            if (!Character.isWhitespace(document.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    private static String roleName(String roleArn) {
        Matcher m = ROLE_ARN.matcher(requireNonNull(roleArn, "roleArn is null"));
        if (!m.matches()) {
            throw new SentinelException(
                    ErrorCode.AWS_ERROR,
                    "'" + roleArn + "' is not an IAM role ARN, so no deny can be attached to it.",
                    "Only credentials of assumed roles can be ended early.");
        }
        return m.group(1);
    }

    private static SentinelException tooLarge(
            String roleArn, RequestId session, int credentials, int others, int needed, Throwable cause) {
        String numbers = others < 0
                ? "IAM refused it: the role's inline policies would exceed " + ROLE_INLINE_POLICY_LIMIT
                        + " characters together"
                : "the role's other inline policies already take " + others + " of IAM's " + ROLE_INLINE_POLICY_LIMIT
                        + " characters and the deny needs " + needed;
        return new SentinelException(
                ErrorCode.IAM_POLICY_TOO_LARGE,
                "The deny for " + credentials + " credentials of session " + session + " does not fit on role "
                        + roleArn + ": " + numbers + ". Nothing was written to the role.",
                "End every session of the role instead (IAM console: the role's 'Revoke active sessions'), or"
                        + " remove inline policies the role no longer needs and run this again.",
                cause);
    }

    private SentinelException translate(SdkException e, String action) {
        SentinelException translated = AwsErrors.translate(e, action, endpoint);
        if (translated.code() == ErrorCode.AWS_ACCESS_DENIED) {
            return new SentinelException(translated.code(), translated.getMessage(), PERMISSIONS_HINT, e);
        }
        return translated;
    }
}
