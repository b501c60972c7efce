package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.policy.ProfileName;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetSessionTokenRequest;

/**
 * Obtains credentials from STS once the gate has allowed it. A profile with {@code role_arn} gets
 * AssumeRole with the decision's SourceIdentity (also used as RoleSessionName). A profile without one
 * gets GetSessionToken credentials, which STS cannot stamp, so they carry no SourceIdentity. The
 * lifetime is the profile's {@code duration_seconds} (default one hour), capped by the policy, and
 * never below the 15 minutes STS requires.
 */
public final class StsCredentialIssuer implements CredentialIssuer {
    static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    static final Duration MIN_DURATION = Duration.ofMinutes(15);

    private final AwsClients clients;
    private final MfaTokenSource mfa;

    public StsCredentialIssuer(AwsClients clients, MfaTokenSource mfa) {
        this.clients = requireNonNull(clients, "clients is null");
        this.mfa = requireNonNull(mfa, "mfa is null");
    }

    @Override
    public IssuedCredentials issue(IssueRequest request) {
        ProfileName name = request.profile();
        AwsProfile profile = clients.profiles().require(name);
        Duration duration = duration(profile, request.maxDuration());
        String action = profile.roleArn()
                .map(arn -> "assume role " + arn + " for profile '" + name + "'")
                .orElse("get a session token for profile '" + name + "'");
        try {
            if (profile.roleArn().isPresent()) {
                String stamp = request.sourceIdentity().format();
                AssumeRoleRequest.Builder assume = AssumeRoleRequest.builder()
                        .roleArn(profile.roleArn().get())
                        .roleSessionName(stamp)
                        .sourceIdentity(stamp)
                        .durationSeconds((int) duration.toSeconds());
                profile.externalId().ifPresent(assume::externalId);
                profile.mfaSerial()
                        .ifPresent(serial -> assume.serialNumber(serial).tokenCode(mfa.tokenFor(name.value(), serial)));
                Credentials c = clients.sts(name).assumeRole(assume.build()).credentials();
                return new IssuedCredentials(
                        convert(c), request.sourceIdentity(), profile.roleArn().get(), false);
            }
            GetSessionTokenRequest.Builder session =
                    GetSessionTokenRequest.builder().durationSeconds((int) duration.toSeconds());
            profile.mfaSerial()
                    .ifPresent(serial -> session.serialNumber(serial).tokenCode(mfa.tokenFor(name.value(), serial)));
            Credentials c = clients.sts(name).getSessionToken(session.build()).credentials();
            return new IssuedCredentials(convert(c), null, null, false);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, action, clients.endpointDescription(name, "STS"));
        }
    }

    static Duration duration(AwsProfile profile, Duration policyCap) {
        Duration wanted = profile.duration().orElse(DEFAULT_DURATION);
        if (policyCap != null && policyCap.compareTo(wanted) < 0) {
            wanted = policyCap;
        }
        return wanted.compareTo(MIN_DURATION) < 0 ? MIN_DURATION : wanted;
    }

    private static AwsCredentials convert(Credentials c) {
        return new AwsCredentials(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration());
    }
}
