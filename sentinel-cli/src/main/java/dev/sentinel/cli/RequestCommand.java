package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.policy.ProfileName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "request",
        mixinStandardHelpOptions = true,
        description = {
            "Ask for access to a profile whose policy rule says require_approval.",
            "You are identified by AWS (STS GetCallerIdentity on the profile's base credentials), as the gate identifies you."
                    + " Prints the request id on stdout. Once approved, 'sentinel credentials' and 'sentinel exec' issue"
                    + " credentials for the approved duration, counted from the approval.",
        },
        footer = {
            "",
            "Example:",
            "  sentinel request --profile prod-admin --duration 1h --justification \"INC-1234: restart the payment workers\""
        })
final class RequestCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--profile", required = true, paramLabel = "PROFILE", description = "The AWS profile to request.")
    String profile;

    @Option(
            names = "--duration",
            defaultValue = "1h",
            paramLabel = "DURATION",
            description = "How long the access window lasts once approved (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--justification",
            required = true,
            paramLabel = "TEXT",
            description = "Why you need it (10 to 500 characters); approvers see it.")
    String justification;

    @Option(names = "--json", description = "Print the request as a JSON document instead of its id.")
    boolean json;

    RequestCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        Sentinel sentinel = Sentinel.open(platform);
        ProfileName target = Profiles.parse(profile);
        CallerIdentity requester = sentinel.uncachedIdentity().resolve(target);
        ApprovalRequest created = sentinel.approvals()
                .request(requester, target, WorkflowRendering.duration(duration, "--duration"), justification);
        platform.out()
                .println(json ? WorkflowRendering.json(created) : created.id().value());
        platform.err()
                .println(
                        created.status() == ApprovalRequest.Status.APPROVED
                                ? "request " + created.id() + " was approved automatically; access is open until "
                                        + created.expiresAt()
                                : "request " + created.id() + " is waiting for " + created.approvalsRequired()
                                        + " approval(s); an approver runs 'sentinel approve " + created.id() + "'");
        return 0;
    }
}
