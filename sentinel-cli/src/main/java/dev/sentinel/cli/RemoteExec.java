package dev.sentinel.cli;

import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.ExecuteApiSigner;
import dev.sentinel.aws.StsIdentityProver;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.server.RemoteCredentialRelay;
import dev.sentinel.tvm.TvmClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * {@code sentinel exec --remote-server URL}: opens a session on the token vending machine, then serves the
 * child from a loopback container-credentials endpoint that relays every refresh to the server, signed
 * afresh with the user's own base credentials (never given to the child). The server
 * decides every refresh; revoking the session there refuses the child's next one. The session is ended
 * when the child exits.
 */
final class RemoteExec {
    private RemoteExec() {}

    /**
     * A client that signs each request for API Gateway ({@code execute-api}) when the URL is on an API
     * Gateway host name (the Lambda function), and sends identity proofs otherwise (the standalone server).
     */
    static TvmClient client(Platform platform, AwsProfiles profiles, URI base, ProfileName awsProfile) {
        if (base.getHost() != null) {
            Optional<String> region = ExecuteApiSigner.region(base);
            if (region.isPresent()) {
                ExecuteApiSigner signer =
                        ExecuteApiSigner.forProfile(profiles, awsProfile, region.get(), platform.clock());
                return new TvmClient(base, signer::sign, TvmClient.defaultClient());
            }
        }
        return new TvmClient(
                base,
                StsIdentityProver.forProfile(profiles, awsProfile, platform.clock()),
                platform.clock(),
                TvmClient.defaultClient());
    }

    /**
     * @param awsProfile the local profile whose base credentials prove who the user is, or null for the
     *     environment's
     * @param child runs the command with the given environment and returns its exit code
     */
    static int run(
            Platform platform,
            String url,
            String awsProfile,
            ProfileName profile,
            ToIntFunction<Map<String, String>> child) {
        URI base;
        try {
            base = new URI(url);
        } catch (URISyntaxException e) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + url + "' is not a URL.",
                    "Give the server's base URL, like https://tvm.example.com.");
        }
        AwsProfiles profiles = new AwsProfiles(new AwsEnvironment(platform.env(), platform.userHome()));
        TvmClient tvm = client(platform, profiles, base, awsProfile == null ? null : Profiles.parse(awsProfile));
        RequestId session = tvm.openSession(profile);
        platform.err()
                .println("sentinel: session " + session.value() + " on " + base + " for profile '" + profile
                        + "' (its operators revoke it with 'sentinel server-revoke " + session.value() + "')");
        try (RemoteCredentialRelay relay =
                RemoteCredentialRelay.start(tvm, profile, session, platform.err()::println)) {
            Map<String, String> env = ExecCommand.childEnvironment(platform.env(), profile, profiles.region(profile));
            env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", relay.uri().toString());
            env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", relay.token());
            return child.applyAsInt(env);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.INTERNAL_ERROR,
                    "Cannot start the local credential endpoint: " + e.getMessage(),
                    "Check that loopback networking is available.",
                    e);
        } finally {
            try {
                tvm.endSession(session);
            } catch (SentinelException e) {
                platform.err()
                        .println("sentinel: warning: could not end session " + session.value() + ": " + e.getMessage());
            }
        }
    }
}
