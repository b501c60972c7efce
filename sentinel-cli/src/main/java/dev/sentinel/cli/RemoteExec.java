package dev.sentinel.cli;

import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
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
import java.util.function.ToIntFunction;

/**
 * {@code sentinel exec --remote-server URL}: opens a session on the token vending machine, then serves the
 * child from a loopback container-credentials endpoint that relays every refresh to the server with a
 * fresh identity proof signed by the user's own base credentials (never given to the child). The server
 * decides every refresh; revoking the session there refuses the child's next one. The session is ended
 * when the child exits.
 */
final class RemoteExec {
    private RemoteExec() {}

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
        StsIdentityProver prover = StsIdentityProver.forProfile(
                profiles, awsProfile == null ? null : Profiles.parse(awsProfile), platform.clock());
        TvmClient tvm = new TvmClient(base, prover, TvmClient.defaultClient());
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
