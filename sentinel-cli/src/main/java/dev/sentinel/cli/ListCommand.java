package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
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
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "List access requests, newest first.",
            "Filter by requester, status and profile; --mine and --to-approve need --as to know who you are.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel list --status pending",
            "  sentinel list --to-approve --as admin",
            "  sentinel list --mine --as dev --json"
        })
final class ListCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--requester", paramLabel = "USER", description = "Only requests of this user.")
    String requester;

    @Option(names = "--status", paramLabel = "STATUS", description = "pending, approved, denied, cancelled or expired.")
    String status;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "Only requests for this profile.")
    String profile;

    @Option(names = "--mine", description = "Only your own requests.")
    boolean mine;

    @Option(names = "--to-approve", description = "Only pending requests you may approve.")
    boolean toApprove;

    @Option(
            names = "--as",
            paramLabel = "PROFILE",
            description = "The AWS profile whose base credentials identify you.")
    String as;

    @Option(
            names = "--limit",
            defaultValue = "100",
            paramLabel = "N",
            description = "At most N requests (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--page", paramLabel = "TOKEN", description = "Continue after the previous page (its next_page).")
    String page;

    @Option(names = "--json", description = "Print a JSON document (schemaVersion 1).")
    boolean json;

    ListCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        if ((mine || toApprove) && as == null) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "--mine and --to-approve need to know who you are.",
                    "Add --as PROFILE, the AWS profile whose credentials identify you.");
        }
        if (limit < 1 || limit > 1000) {
            throw new SentinelException(ErrorCode.USAGE, "--limit must be between 1 and 1000.", "");
        }
        Sentinel sentinel = Sentinel.open(platform);
        String me = as == null
                ? null
                : sentinel.uncachedIdentity().resolve(Profiles.parse(as)).user();
        ApprovalRequest.Status wanted = toApprove ? ApprovalRequest.Status.PENDING : status(status);
        Page<ApprovalRequest> found =
                sentinel.approvals().list(new ApprovalQuery(mine ? me : requester, wanted, profile, limit), page);
        List<ApprovalRequest> shown = toApprove
                ? found.items().stream()
                        .filter(r -> sentinel.approvals().mayApprove(me, r))
                        .toList()
                : found.items();
        if (json) {
            List<String> items = new ArrayList<>();
            shown.forEach(r -> items.add(WorkflowRendering.json(r)));
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .rawField("requests", "[" + String.join(",", items) + "]")
                            .field("next_page", found.next())
                            .close());
        } else {
            platform.out().println(WorkflowRendering.REQUEST_HEADER);
            shown.forEach(r -> platform.out().println(WorkflowRendering.line(r)));
            if (found.next() != null) {
                platform.err().println("more: sentinel list ... --page " + found.next());
            }
        }
        return 0;
    }

    static ApprovalRequest.Status status(String text) {
        if (text == null) {
            return null;
        }
        try {
            return ApprovalRequest.Status.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "Unknown status '" + text + "'.",
                    "Use pending, approved, denied, cancelled or expired.");
        }
    }
}
