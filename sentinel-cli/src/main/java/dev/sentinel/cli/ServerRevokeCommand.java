package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.session.ServerSession;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "server-revoke",
        mixinStandardHelpOptions = true,
        description = {
            "Revoke a local credential server session: its next refresh is refused.",
            "The revoker is identified by AWS (STS GetCallerIdentity on --profile's base credentials) and recorded with the reason. Credentials already handed out stay valid until they expire (at most 15 minutes in server mode).",
        },
        footer = {
            "",
            "Example:",
            "  sentinel server-revoke k3v9q2m7xa --reason \"laptop reported stolen\" --profile admin"
        })
final class ServerRevokeCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The session id printed by 'sentinel exec --server'.")
    String id;

    @Option(
            names = "--reason",
            required = true,
            paramLabel = "TEXT",
            description = "Why; recorded with the revocation.")
    String reason;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "PROFILE",
            description = "The AWS profile that identifies you as the revoker.")
    String profile;

    ServerRevokeCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        Sentinel sentinel = Sentinel.open(platform);
        CallerIdentity revoker = sentinel.uncachedIdentity().resolve(Profiles.parse(profile));
        ServerSession revoked = sentinel.sessions()
                .revoke(
                        ServerSessionCommand.sessionId(id),
                        revoker.user(),
                        reason,
                        platform.clock().instant());
        platform.err()
                .println("revoked server session " + revoked.id().value() + " (profile '" + revoked.profile()
                        + "', user " + revoked.user() + "); its next refresh is refused");
        return 0;
    }
}
