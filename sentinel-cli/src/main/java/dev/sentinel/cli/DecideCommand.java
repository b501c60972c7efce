package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalService;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code approve}, {@code deny} and {@code cancel}: one person acting on one request. */
abstract class DecideCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "ID", description = "The request id.")
    String id;

    @Option(
            names = "--as",
            required = true,
            paramLabel = "PROFILE",
            description = "The AWS profile whose base credentials identify you (STS GetCallerIdentity).")
    String as;

    @Option(
            names = "--comment",
            paramLabel = "TEXT",
            description = "Recorded with your decision and sent with the notification.")
    String comment;

    @Option(names = "--json", description = "Print the request as a JSON document.")
    boolean json;

    DecideCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    abstract ApprovalRequest act(ApprovalService approvals, CallerIdentity who, RequestId request, String comment);

    @Override
    public Integer call() {
        Sentinel sentinel = Sentinel.open(platform);
        CallerIdentity who = sentinel.uncachedIdentity().resolve(Profiles.parse(as));
        ApprovalRequest result = act(sentinel.approvals(), who, WorkflowRendering.id(id, "a request"), comment);
        platform.out().println(json ? WorkflowRendering.json(result) : WorkflowRendering.describe(result));
        return 0;
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = {
                "Approve an access request; its access window opens when the last required approval is given.",
                "The approval policy decides who may approve; you cannot approve your own request unless a rule allows it.",
            },
            footer = {"", "Example:", "  sentinel approve k3v9q2m7xa --as admin --comment \"ok for INC-1234\""})
    static final class Approve extends DecideCommand {
        Approve(Platform platform) {
            super(platform);
        }

        @Override
        ApprovalRequest act(ApprovalService approvals, CallerIdentity who, RequestId request, String comment) {
            return approvals.approve(who, request, comment);
        }
    }

    @Command(
            name = "deny",
            mixinStandardHelpOptions = true,
            description = {
                "Deny a pending access request, or end the open window of an approved one.",
                "Only approvers of the request's profile may.",
            },
            footer = {"", "Example:", "  sentinel deny k3v9q2m7xa --as admin --comment \"use the read-only role\""})
    static final class Deny extends DecideCommand {
        Deny(Platform platform) {
            super(platform);
        }

        @Override
        ApprovalRequest act(ApprovalService approvals, CallerIdentity who, RequestId request, String comment) {
            return approvals.deny(who, request, comment);
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = {"Withdraw your own access request, or give up its open access window."},
            footer = {"", "Example:", "  sentinel cancel k3v9q2m7xa --as dev --comment \"no longer needed\""})
    static final class Cancel extends DecideCommand {
        Cancel(Platform platform) {
            super(platform);
        }

        @Override
        ApprovalRequest act(ApprovalService approvals, CallerIdentity who, RequestId request, String comment) {
            return approvals.cancel(who, request, comment);
        }
    }
}
