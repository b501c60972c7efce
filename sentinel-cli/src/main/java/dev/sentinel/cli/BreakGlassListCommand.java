package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.store.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "breakglass-list",
        mixinStandardHelpOptions = true,
        description = {"List break-glass events, newest first, for post-incident review."},
        footer = {
            "",
            "Examples:",
            "  sentinel breakglass-list --status active",
            "  sentinel breakglass-list --invoker alice --json"
        })
final class BreakGlassListCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--invoker", paramLabel = "USER", description = "Only events of this user.")
    String invoker;

    @Option(names = "--status", paramLabel = "STATUS", description = "active, closed or expired.")
    String status;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "Only events on this profile.")
    String profile;

    @Option(
            names = "--limit",
            defaultValue = "100",
            paramLabel = "N",
            description = "At most N events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--page", paramLabel = "TOKEN", description = "Continue after the previous page (its next_page).")
    String page;

    @Option(names = "--json", description = "Print a JSON document (schemaVersion 1).")
    boolean json;

    BreakGlassListCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000) {
            throw new SentinelException(ErrorCode.USAGE, "--limit must be between 1 and 1000.", "");
        }
        BreakGlassEvent.Status wanted = null;
        if (status != null) {
            try {
                wanted = BreakGlassEvent.Status.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SentinelException(
                        ErrorCode.USAGE, "Unknown status '" + status + "'.", "Use active, closed or expired.");
            }
        }
        Page<BreakGlassEvent> found =
                Sentinel.open(platform).breakGlass().list(new BreakGlassQuery(invoker, wanted, profile, limit), page);
        if (json) {
            List<String> items = new ArrayList<>();
            found.items().forEach(e -> items.add(WorkflowRendering.json(e)));
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .rawField("events", "[" + String.join(",", items) + "]")
                            .field("next_page", found.next())
                            .close());
        } else {
            platform.out().println(WorkflowRendering.EVENT_HEADER);
            found.items().forEach(e -> platform.out().println(WorkflowRendering.line(e)));
            if (found.next() != null) {
                platform.err().println("more: sentinel breakglass-list ... --page " + found.next());
            }
        }
        return 0;
    }
}
