package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Show one access request and where it stands.",
            "Exit code 0 when its access window is open, 4 while it waits for approval, 3 when it was denied,"
                    + " cancelled or has expired.",
        },
        footer = {"", "Example:", "  sentinel check k3v9q2m7xa"})
final class CheckCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The request id printed by 'sentinel request'.")
    String id;

    @Option(names = "--json", description = "Print a JSON document instead of text.")
    boolean json;

    CheckCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        ApprovalRequest request = Sentinel.open(platform).approvals().check(WorkflowRendering.id(id, "a request"));
        platform.out().println(json ? WorkflowRendering.json(request) : WorkflowRendering.describe(request));
        return switch (request.status()) {
            case APPROVED -> 0;
            case PENDING -> dev.sentinel.error.ErrorCode.APPROVAL_PENDING.exitCode();
            default -> dev.sentinel.error.ErrorCode.APPROVAL_DENIED.exitCode();
        };
    }
}
