package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.identity.CallerIdentity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "breakglass-close",
        mixinStandardHelpOptions = true,
        description = {
            "Close an active break-glass event: its window ends now and the close is logged and notified.",
            "The invoker may close it, and so may anyone with break-glass rights on its profile.",
        },
        footer = {"", "Example:", "  sentinel breakglass-close k3v9q2m7xa --reason \"incident resolved\" --as admin"})
final class BreakGlassCloseCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The event id.")
    String id;

    @Option(
            names = "--reason",
            required = true,
            paramLabel = "TEXT",
            description = "Why it is closed; recorded for review.")
    String reason;

    @Option(
            names = "--as",
            required = true,
            paramLabel = "PROFILE",
            description = "The AWS profile whose base credentials identify you (STS GetCallerIdentity).")
    String as;

    BreakGlassCloseCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        Sentinel sentinel = Sentinel.open(platform);
        CallerIdentity closer = sentinel.uncachedIdentity().resolve(Profiles.parse(as));
        BreakGlassEvent closed =
                sentinel.breakGlass().close(closer, WorkflowRendering.id(id, "a break-glass event"), reason);
        platform.out().println(WorkflowRendering.describe(closed));
        return 0;
    }
}
