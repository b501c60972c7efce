package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.session.ServerSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "server-sessions",
        mixinStandardHelpOptions = true,
        description = {
            "List local credential server sessions, newest first.",
            "Each 'sentinel exec --server' run is one session; every refresh of its child is counted.",
        },
        footer = {"", "Examples:", "  sentinel server-sessions --status active", "  sentinel server-sessions --json"})
final class ServerSessionsCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only active, revoked or expired sessions.")
    String status;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most N sessions (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print a JSON document (schemaVersion 1).")
    boolean json;

    ServerSessionsCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        ServerSession.Status wanted = null;
        if (status != null) {
            try {
                wanted = ServerSession.Status.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SentinelException(
                        ErrorCode.USAGE, "Unknown status '" + status + "'.", "Use active, revoked or expired.");
            }
        }
        Instant now = platform.clock().instant();
        ServerSession.Status filter = wanted;
        List<ServerSession> sessions = Sentinel.open(platform).sessions().list(wanted, Math.max(1, limit)).stream()
                .filter(s -> filter == null || s.statusAt(now) == filter)
                .toList();
        if (json) {
            List<String> items = new ArrayList<>();
            sessions.forEach(s -> items.add(SessionRendering.json(s, now)));
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .rawField("sessions", "[" + String.join(",", items) + "]")
                            .close());
        } else {
            platform.out().println(SessionRendering.HEADER);
            sessions.forEach(s -> platform.out().println(SessionRendering.line(s, now)));
        }
        return 0;
    }
}
