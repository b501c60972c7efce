package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "server-session",
        mixinStandardHelpOptions = true,
        description = {"Show one local credential server session as JSON."},
        footer = {"", "Example:", "  sentinel server-session k3v9q2m7xa"})
final class ServerSessionCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The session id printed by 'sentinel exec --server'.")
    String id;

    ServerSessionCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    static RequestId sessionId(String text) {
        if (!RequestId.isValid(text)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + text + "' is not a session id.",
                    "Session ids are ten characters of a-z and 2-7.");
        }
        return new RequestId(text);
    }

    @Override
    public Integer call() {
        RequestId session = sessionId(id);
        platform.out()
                .println(SessionRendering.json(
                        Sentinel.open(platform)
                                .sessions()
                                .get(session)
                                .orElseThrow(() -> new SentinelException(
                                        ErrorCode.SESSION_NOT_FOUND,
                                        "There is no server session " + id + ".",
                                        "List sessions with 'sentinel server-sessions'.")),
                        platform.clock().instant()));
        return 0;
    }
}
