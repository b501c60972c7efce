package dev.sentinel.approval;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalRequest.Status;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.notify.LifecycleEvent;
import dev.sentinel.notify.WorkflowEvents;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.store.Page;
import dev.sentinel.yaml.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The approval workflow: pending → approved | denied | cancelled | expired. Every transition is checked
 * against the approval policy and written conditionally, so two approvers racing produce exactly one
 * outcome and the loser gets {@code STATE_CONFLICT}. Expiry is written to the store when it is observed.
 * People are named by their AWS identity ({@link CallerIdentity#user()}), never by the OS.
 */
public final class ApprovalService {
    public static final int MIN_JUSTIFICATION = 10;
    public static final int MAX_JUSTIFICATION = 500;
    public static final Duration MIN_DURATION = Duration.ofMinutes(15);

    private final ApprovalStore store;
    private final Supplier<ApprovalPolicy> policy;
    private final WorkflowEvents events;
    private final Clock clock;
    private final Supplier<RequestId> ids;
    private final ApprovalWindows windows;

    public ApprovalService(
            ApprovalStore store,
            Supplier<ApprovalPolicy> policy,
            WorkflowEvents events,
            Clock clock,
            Supplier<RequestId> ids) {
        this.store = requireNonNull(store, "store is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.windows = new ApprovalWindows(store, policy);
    }

    /**
     * Creates a request, approved at once when the rule's {@code auto_approve} applies.
     *
     * @throws SentinelException APPROVAL_NOT_CONFIGURED when no rule covers the profile, USAGE for a bad
     *     duration or justification, STATE_CONFLICT when the requester already has a request waiting
     */
    public ApprovalRequest request(
            CallerIdentity requester, ProfileName profile, Duration duration, String justification) {
        ApprovalRule rule = ruleFor(profile.value());
        checkDuration(duration, rule);
        String why = justification == null ? "" : justification.strip();
        if (why.length() < MIN_JUSTIFICATION || why.length() > MAX_JUSTIFICATION) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "The justification must be " + MIN_JUSTIFICATION + " to " + MAX_JUSTIFICATION
                            + " characters; it has " + why.length() + ".",
                    "Say what you need the access for, for example the ticket and the change.");
        }
        Instant now = clock.instant();
        Optional<ApprovalRequest> waiting = windows.pending(requester.user(), profile, now);
        if (waiting.isPresent()) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "You already have request " + waiting.get().id() + " waiting for approval on profile '" + profile
                            + "'.",
                    "Wait for it, or cancel it with 'sentinel cancel "
                            + waiting.get().id() + "' first.");
        }
        boolean auto = rule.autoApprove() != null && rule.autoApprove().applies(requester.user(), duration, now);
        ApprovalRequest created = new ApprovalRequest(
                ids.get(),
                requester.user(),
                requester.arn(),
                profile.value(),
                duration,
                why,
                auto ? Status.APPROVED : Status.PENDING,
                now,
                now,
                auto ? now.plus(duration) : now.plus(policy.get().pendingExpiry()),
                auto ? now : null,
                rule.approvalsRequired(),
                List.of(),
                auto ? requester.user() : null,
                auto ? "auto-approved by rule '" + rule.name() + "'" : null,
                auto,
                1);
        store.create(created);
        events.publish(event("request.created", created, requester.user(), now));
        if (auto) {
            events.publish(event("request.approved", created, requester.user(), now));
        }
        return created;
    }

    /**
     * Records an approval. The request becomes approved, and its access window opens, once enough distinct
     * approvers have approved.
     *
     * @throws SentinelException APPROVER_NOT_ALLOWED when the approval policy does not let this person
     *     approve it, STATE_CONFLICT when it is no longer pending or someone else changed it first
     */
    public ApprovalRequest approve(CallerIdentity approver, RequestId id, String comment) {
        Instant now = clock.instant();
        ApprovalRequest current = pendingOrFail(id, now, "approve");
        ApprovalRule rule = mayDecide(approver, current);
        for (Approval earlier : current.approvals()) {
            if (earlier.approver().equals(approver.user())) {
                throw new SentinelException(
                        ErrorCode.STATE_CONFLICT,
                        "You already approved request " + id + "; it needs " + current.approvalsRequired()
                                + " approvals from different approvers.",
                        "Ask another approver of rule '" + rule.name() + "'.");
            }
        }
        List<Approval> approvals = new ArrayList<>(current.approvals());
        approvals.add(new Approval(approver.user(), now, blankToNull(comment)));
        boolean complete = approvals.size() >= current.approvalsRequired();
        ApprovalRequest next = complete
                ? current.next(
                        Status.APPROVED,
                        now,
                        now.plus(current.duration()),
                        now,
                        approvals,
                        approver.user(),
                        blankToNull(comment),
                        false)
                : current.next(
                        Status.PENDING, now, current.expiresAt(), null, approvals, null, current.comment(), false);
        store.update(next);
        events.publish(event(complete ? "request.approved" : "request.approval_added", next, approver.user(), now));
        return next;
    }

    /**
     * Denies a pending request, or ends the open access window of an approved one.
     *
     * @throws SentinelException APPROVER_NOT_ALLOWED, STATE_CONFLICT as for {@link #approve}
     */
    public ApprovalRequest deny(CallerIdentity approver, RequestId id, String comment) {
        Instant now = clock.instant();
        ApprovalRequest current = liveOrFail(id, now, "deny");
        mayDecide(approver, current);
        ApprovalRequest next = current.next(
                Status.DENIED,
                now,
                now,
                current.accessStart(),
                current.approvals(),
                approver.user(),
                blankToNull(comment),
                false);
        store.update(next);
        events.publish(event("request.denied", next, approver.user(), now));
        return next;
    }

    /**
     * Withdraws a pending request, or gives up the open window of an approved one. Only the requester may.
     *
     * @throws SentinelException APPROVER_NOT_ALLOWED when someone else tries, STATE_CONFLICT when it has
     *     already ended
     */
    public ApprovalRequest cancel(CallerIdentity requester, RequestId id, String reason) {
        Instant now = clock.instant();
        ApprovalRequest current = liveOrFail(id, now, "cancel");
        if (!current.requester().equals(requester.user())) {
            throw new SentinelException(
                    ErrorCode.APPROVER_NOT_ALLOWED,
                    "Only the requester (" + current.requester() + ") may cancel request " + id + "; you are "
                            + requester.user() + ".",
                    "An approver ends a request with 'sentinel deny " + id + "'.");
        }
        ApprovalRequest next = current.next(
                Status.CANCELLED,
                now,
                now,
                current.accessStart(),
                current.approvals(),
                requester.user(),
                blankToNull(reason),
                current.autoApproved());
        store.update(next);
        events.publish(event("request.cancelled", next, requester.user(), now));
        return next;
    }

    /** The request as it stands now; a request found past its expiry is recorded as expired first. */
    public ApprovalRequest check(RequestId id) {
        return settle(load(id), clock.instant());
    }

    /** One page of requests, newest first; those found past their expiry are recorded as expired. */
    public Page<ApprovalRequest> list(ApprovalQuery query, String pageToken) {
        Instant now = clock.instant();
        Page<ApprovalRequest> page = store.list(query, pageToken);
        List<ApprovalRequest> settled = new ArrayList<>();
        for (ApprovalRequest request : page.items()) {
            ApprovalRequest current = settle(request, now);
            if (query.status() == null || current.status() == query.status()) {
                settled.add(current);
            }
        }
        return new Page<>(settled, page.next());
    }

    /** The gate's view of this workflow: open windows and requests still waiting. */
    public ApprovalWindows windows() {
        return windows;
    }

    /** Whether {@code user} could approve {@code request} now: it is pending and the policy names them. */
    public boolean mayApprove(String user, ApprovalRequest request) {
        Optional<ApprovalRule> rule = policy.get().ruleFor(request.profile());
        return request.statusAt(clock.instant()) == Status.PENDING
                && rule.isPresent()
                && rule.get().approvers().matches(user)
                && (rule.get().allowSelfApproval() || !user.equals(request.requester()))
                && request.approvals().stream().noneMatch(a -> a.approver().equals(user));
    }

    private ApprovalRule ruleFor(String profile) {
        return policy.get()
                .ruleFor(profile)
                .orElseThrow(
                        () -> new SentinelException(
                                ErrorCode.APPROVAL_NOT_CONFIGURED,
                                "No rule of the approval policy covers profile '" + profile
                                        + "', so it cannot be requested.",
                                "Add a rule with this profile and its approvers to the approval policy (see docs/approvals.md)."));
    }

    private static void checkDuration(Duration duration, ApprovalRule rule) {
        if (duration == null || duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(rule.maxDuration()) > 0) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "The duration must be between " + DurationText.format(MIN_DURATION) + " and "
                            + DurationText.format(rule.maxDuration()) + " (rule '" + rule.name() + "')"
                            + (duration == null ? "." : "; it is " + DurationText.format(duration) + "."),
                    "Pass --duration, for example --duration 1h.");
        }
    }

    private ApprovalRule mayDecide(CallerIdentity approver, ApprovalRequest request) {
        ApprovalRule rule = ruleFor(request.profile());
        if (!rule.approvers().matches(approver.user())) {
            throw new SentinelException(
                    ErrorCode.APPROVER_NOT_ALLOWED,
                    approver.user() + " is not an approver of profile '" + request.profile() + "' (rule '" + rule.name()
                            + "' names " + rule.approvers() + ").",
                    "Ask one of them, or change the approval policy.");
        }
        if (approver.user().equals(request.requester()) && !rule.allowSelfApproval()) {
            throw new SentinelException(
                    ErrorCode.APPROVER_NOT_ALLOWED,
                    "You cannot decide on your own request " + request.id() + ".",
                    "Ask another approver of rule '" + rule.name() + "', or cancel it with 'sentinel cancel "
                            + request.id() + "'.");
        }
        return rule;
    }

    private ApprovalRequest load(RequestId id) {
        return store.get(id)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.APPROVAL_NOT_FOUND,
                        "There is no access request " + id + ".",
                        "List requests with 'sentinel list'."));
    }

    private ApprovalRequest pendingOrFail(RequestId id, Instant now, String action) {
        ApprovalRequest current = settle(load(id), now);
        if (current.status() != Status.PENDING) {
            throw ended(current, action);
        }
        return current;
    }

    private ApprovalRequest liveOrFail(RequestId id, Instant now, String action) {
        ApprovalRequest current = settle(load(id), now);
        if (current.status().terminal()) {
            throw ended(current, action);
        }
        return current;
    }

    private static SentinelException ended(ApprovalRequest request, String action) {
        String by = request.decidedBy() == null ? "" : " by " + request.decidedBy();
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Cannot " + action + " request " + request.id() + ": it is already "
                        + request.status().yamlName() + (request.status() == Status.EXPIRED ? "" : by) + ".",
                "See it with 'sentinel check " + request.id() + "'.");
    }

    /** Records the expiry of a request found past it; a concurrent change wins and is read back. */
    private ApprovalRequest settle(ApprovalRequest request, Instant now) {
        if (request.statusAt(now) != Status.EXPIRED || request.status() == Status.EXPIRED) {
            return request;
        }
        ApprovalRequest expired = request.next(
                Status.EXPIRED,
                now,
                request.expiresAt(),
                request.accessStart(),
                request.approvals(),
                request.decidedBy(),
                request.comment(),
                request.autoApproved());
        try {
            store.update(expired);
        } catch (SentinelException e) {
            if (e.code() == ErrorCode.STATE_CONFLICT) {
                return load(request.id());
            }
            throw e;
        }
        events.publish(event("request.expired", expired, "sentinel", now));
        return expired;
    }

    private static LifecycleEvent event(String type, ApprovalRequest request, String actor, Instant now) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", request.status().yamlName());
        details.put("duration", DurationText.format(request.duration()));
        details.put("justification", request.justification());
        details.put("approvals", request.approvals().size() + "/" + request.approvalsRequired());
        if (request.accessStart() != null) {
            details.put("access_start", request.accessStart().toString());
        }
        details.put("expires_at", request.expiresAt().toString());
        if (request.comment() != null) {
            details.put("comment", request.comment());
        }
        if (request.autoApproved()) {
            details.put("auto_approved", "true");
        }
        return new LifecycleEvent(
                type, now, request.id().value(), request.profile(), request.requester(), actor, details);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
