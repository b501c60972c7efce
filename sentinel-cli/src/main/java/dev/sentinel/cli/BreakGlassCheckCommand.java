package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "breakglass-check",
        mixinStandardHelpOptions = true,
        description = {"Show one break-glass event with every incident field."},
        footer = {"", "Example:", "  sentinel breakglass-check k3v9q2m7xa"})
final class BreakGlassCheckCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The event id printed by 'sentinel breakglass'.")
    String id;

    @Option(names = "--json", description = "Print a JSON document instead of text.")
    boolean json;

    BreakGlassCheckCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        BreakGlassEvent event =
                Sentinel.open(platform).breakGlass().check(WorkflowRendering.id(id, "a break-glass event"));
        platform.out().println(json ? WorkflowRendering.json(event) : WorkflowRendering.describe(event));
        return 0;
    }
}
