package dev.sentinel.cli;

import dev.sentinel.approval.Approval;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.yaml.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How access requests and break-glass events look on stdout: JSON objects, or text lines and blocks. */
final class WorkflowRendering {
    static final String REQUEST_HEADER = String.format(
            "%-10s  %-9s  %-20s  %-16s  %-8s  %-20s  %s",
            "ID", "STATUS", "PROFILE", "REQUESTER", "DURATION", "CREATED", "APPROVALS");
    static final String EVENT_HEADER = String.format(
            "%-10s  %-7s  %-20s  %-16s  %-11s  %-20s  %s",
            "ID", "STATUS", "PROFILE", "INVOKER", "REASON", "ENDS", "NOTE");

    private WorkflowRendering() {}

    /** Parses an id given on the command line. */
    static RequestId id(String text, String what) {
        if (!RequestId.isValid(text)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + text + "' is not " + what + " id.",
                    "Ids are ten characters of a-z and 2-7, as printed when it was created.");
        }
        return new RequestId(text);
    }

    static Duration duration(String text, String option) {
        return DurationText.parse(text)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.USAGE,
                        "'" + text + "' is not a duration for " + option + ".",
                        "Use a number and a unit, for example 30m, 1h or 2h30m."));
    }

    static String json(ApprovalRequest r) {
        List<String> approvals = new ArrayList<>();
        for (Approval a : r.approvals()) {
            approvals.add(JsonWriter.object()
                    .field("approver", a.approver())
                    .field("at", a.at().toString())
                    .field("comment", a.comment())
                    .close());
        }
        return JsonWriter.object()
                .field("id", r.id().value())
                .field("status", r.status().yamlName())
                .field("profile", r.profile())
                .field("requester", r.requester())
                .field("requester_arn", r.requesterArn())
                .field("duration", DurationText.format(r.duration()))
                .field("justification", r.justification())
                .field("created_at", r.createdAt().toString())
                .field("updated_at", r.updatedAt().toString())
                .field(
                        "access_start",
                        r.accessStart() == null ? null : r.accessStart().toString())
                .field("expires_at", r.expiresAt().toString())
                .field("approvals_required", r.approvalsRequired())
                .rawField("approvals", "[" + String.join(",", approvals) + "]")
                .field("decided_by", r.decidedBy())
                .field("comment", r.comment())
                .field("auto_approved", r.autoApproved())
                .close();
    }

    static String line(ApprovalRequest r) {
        return String.format(
                "%-10s  %-9s  %-20s  %-16s  %-8s  %-20s  %d/%d",
                r.id().value(),
                r.status().yamlName(),
                r.profile(),
                r.requester(),
                DurationText.format(r.duration()),
                seconds(r.createdAt()),
                r.approvals().size(),
                r.approvalsRequired());
    }

    /** A human summary of one request, with what happens next. */
    static String describe(ApprovalRequest r) {
        StringBuilder out = new StringBuilder();
        out.append("request ").append(r.id()).append(": ").append(r.status().yamlName());
        out.append("\n  profile:       ").append(r.profile());
        out.append("\n  requester:     ").append(r.requester());
        out.append("\n  duration:      ").append(DurationText.format(r.duration()));
        out.append("\n  justification: ").append(r.justification());
        out.append("\n  approvals:     ")
                .append(r.approvals().size())
                .append(" of ")
                .append(r.approvalsRequired());
        for (Approval a : r.approvals()) {
            out.append("\n    ").append(a.approver()).append(" at ").append(seconds(a.at()));
            if (a.comment() != null) {
                out.append(": ").append(a.comment());
            }
        }
        switch (r.status()) {
            case PENDING -> out.append("\n  waiting for approval until ").append(seconds(r.expiresAt()));
            case APPROVED ->
                out.append("\n  access window: ")
                        .append(seconds(r.accessStart()))
                        .append(" to ")
                        .append(seconds(r.expiresAt()));
            default -> {
                if (r.decidedBy() != null) {
                    out.append("\n  by:            ").append(r.decidedBy());
                }
            }
        }
        if (r.comment() != null) {
            out.append("\n  comment:       ").append(r.comment());
        }
        return out.toString();
    }

    static String json(BreakGlassEvent e) {
        return JsonWriter.object()
                .field("id", e.id().value())
                .field("status", e.status().yamlName())
                .field("profile", e.profile())
                .field("invoker", e.invoker())
                .field("invoker_arn", e.invokerArn())
                .field("reason_code", e.reasonCode().yamlName())
                .field("justification", e.justification())
                .field("duration", DurationText.format(e.duration()))
                .field("created_at", e.createdAt().toString())
                .field("expires_at", e.expiresAt().toString())
                .field("mfa_method", e.mfaMethod())
                .field("escalated", e.escalated())
                .field("closed_by", e.closedBy())
                .field("closed_reason", e.closedReason())
                .field("closed_at", e.closedAt() == null ? null : e.closedAt().toString())
                .close();
    }

    static String line(BreakGlassEvent e) {
        return String.format(
                "%-10s  %-7s  %-20s  %-16s  %-11s  %-20s  %s",
                e.id().value(),
                e.status().yamlName(),
                e.profile(),
                e.invoker(),
                e.reasonCode().yamlName(),
                seconds(e.closedAt() != null ? e.closedAt() : e.expiresAt()),
                e.closedBy() != null
                        ? "closed by " + e.closedBy() + ": " + e.closedReason()
                        : e.escalated() ? "escalated" : "");
    }

    static String describe(BreakGlassEvent e) {
        StringBuilder out = new StringBuilder();
        out.append("break-glass ").append(e.id()).append(": ").append(e.status().yamlName());
        out.append("\n  profile:       ").append(e.profile());
        out.append("\n  invoker:       ").append(e.invoker());
        out.append("\n  reason code:   ").append(e.reasonCode().yamlName());
        out.append("\n  justification: ").append(e.justification());
        out.append("\n  window:        ")
                .append(seconds(e.createdAt()))
                .append(" to ")
                .append(seconds(e.expiresAt()));
        if (e.mfaMethod() != null) {
            out.append("\n  mfa:           ").append(e.mfaMethod());
        }
        if (e.escalated()) {
            out.append("\n  escalated:     yes (the rule's escalation threshold was reached)");
        }
        if (e.closedBy() != null) {
            out.append("\n  closed:        by ")
                    .append(e.closedBy())
                    .append(" at ")
                    .append(seconds(e.closedAt()))
                    .append(": ")
                    .append(e.closedReason());
        }
        return out.toString();
    }

    private static String seconds(Instant instant) {
        return instant.toString().substring(0, 19) + "Z";
    }
}
