package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent.Status;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.mfa.MfaResponse;
import dev.sentinel.mfa.SecondFactor;
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
 * Break-glass: an emergency window past a refusing access policy, exactly as strict as the gate. The
 * break-glass policy says who may invoke it on which profiles, with which reason codes, when, for how long
 * and with which second factor; rate limits are counted in the store; one active event per user and
 * profile. Every invocation, escalation and close is logged and notified at once.
 */
public final class BreakGlassService {
    public static final int MIN_JUSTIFICATION = 20;
    public static final int MAX_JUSTIFICATION = 1000;
    /** The shortest window worth opening: AWS STS issues no credentials shorter than this. */
    public static final Duration MIN_DURATION = Duration.ofMinutes(15);

    private static final int PAGE = 200;

    private final BreakGlassStore store;
    private final Supplier<BreakGlassPolicy> policy;
    private final SecondFactor mfa;
    private final WorkflowEvents events;
    private final Clock clock;
    private final Supplier<RequestId> ids;
    private final BreakGlassWindows windows;

    public BreakGlassService(
            BreakGlassStore store,
            Supplier<BreakGlassPolicy> policy,
            SecondFactor mfa,
            WorkflowEvents events,
            Clock clock,
            Supplier<RequestId> ids) {
        this.store = requireNonNull(store, "store is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.mfa = requireNonNull(mfa, "mfa is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.windows = new BreakGlassWindows(store, policy);
    }

    /**
     * Opens a break-glass window for the invoker on {@code profile}.
     *
     * @param duration the window asked for, or null for the rule's default (one hour, or less if the rule's
     *     maximum is lower)
     * @param response the second factor, or null when none was given
     * @throws SentinelException BREAKGLASS_NOT_ALLOWED when the policy does not allow it, RATE_LIMITED
     *     (saying when to retry), MFA_REQUIRED / MFA_CHALLENGE_SENT / MFA_INVALID, DURATION_TOO_SHORT when
     *     the rule's time window closes within 15 minutes, BREAKGLASS_ACTIVE when one is already open
     */
    public BreakGlassEvent invoke(
            CallerIdentity invoker,
            ProfileName profile,
            ReasonCode reasonCode,
            String justification,
            Duration duration,
            MfaResponse response) {
        String user = invoker.user();
        String why = justification == null ? "" : justification.strip();
        if (why.length() < MIN_JUSTIFICATION || why.length() > MAX_JUSTIFICATION) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "The justification must be " + MIN_JUSTIFICATION + " to " + MAX_JUSTIFICATION
                            + " characters; it has " + why.length() + ".",
                    "Describe the emergency: what is broken and why normal access is not enough.");
        }
        Instant now = clock.instant();
        BreakGlassRule rule = policy.get()
                .ruleFor(user, profile.value())
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.BREAKGLASS_NOT_ALLOWED,
                        "The break-glass policy does not let " + user + " invoke break-glass on profile '" + profile
                                + "'.",
                        "Ask an administrator to add you to a break-glass rule for this profile."));
        if (!rule.reasonCodes().isEmpty() && !rule.reasonCodes().contains(reasonCode)) {
            throw new SentinelException(
                    ErrorCode.BREAKGLASS_NOT_ALLOWED,
                    "Rule '" + rule.name() + "' does not allow reason code '" + reasonCode.yamlName() + "'.",
                    "Use one of "
                            + rule.reasonCodes().stream()
                                    .map(ReasonCode::yamlName)
                                    .sorted()
                                    .toList() + ".");
        }
        if (rule.time() != null && !rule.time().matches(now)) {
            throw new SentinelException(
                    ErrorCode.BREAKGLASS_NOT_ALLOWED,
                    "Rule '" + rule.name() + "' allows break-glass only "
                            + rule.time().describe() + ".",
                    "Ask an administrator if this emergency needs a wider window.");
        }
        Duration length = length(rule, duration, now);
        boolean escalated = checkRateLimit(rule, user, profile.value(), now);
        String method = rule.mfa() != null && rule.mfa().required()
                ? mfa.verify(user, rule.mfa().methods(), response, now)
                : null;
        BreakGlassEvent event = new BreakGlassEvent(
                ids.get(),
                user,
                invoker.arn(),
                profile.value(),
                reasonCode,
                why,
                Status.ACTIVE,
                now,
                now,
                now.plus(length),
                length,
                method,
                escalated,
                null,
                null,
                null,
                1);
        store.open(event);
        events.publish(event("breakglass.invoked", event, user, now));
        if (escalated) {
            events.publish(event("breakglass.escalated", event, user, now));
        }
        return event;
    }

    /**
     * Closes an active event: its window ends now. The invoker may close it, and so may anyone the
     * break-glass policy lets invoke it on that profile.
     *
     * @throws SentinelException BREAKGLASS_NOT_FOUND, BREAKGLASS_NOT_ALLOWED, STATE_CONFLICT when it is not
     *     active any more
     */
    public BreakGlassEvent close(CallerIdentity closer, RequestId id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "Closing a break-glass event needs a reason.",
                    "Pass --reason, for example --reason \"incident resolved\".");
        }
        Instant now = clock.instant();
        BreakGlassEvent current = check(id);
        if (current.status() != Status.ACTIVE) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "Break-glass event " + id + " is already "
                            + current.status().yamlName() + ".",
                    "See it with 'sentinel breakglass-check " + id + "'.");
        }
        if (!closer.user().equals(current.invoker())
                && policy.get().ruleFor(closer.user(), current.profile()).isEmpty()) {
            throw new SentinelException(
                    ErrorCode.BREAKGLASS_NOT_ALLOWED,
                    closer.user() + " may not close break-glass event " + id + " of " + current.invoker() + ".",
                    "The invoker, or someone with break-glass rights on profile '" + current.profile()
                            + "', can close it.");
        }
        BreakGlassEvent closed = current.next(Status.CLOSED, now, closer.user(), reason.strip());
        store.update(closed);
        events.publish(event("breakglass.closed", closed, closer.user(), now));
        return closed;
    }

    /** The event as it stands now; an event found past its end is recorded as expired first. */
    public BreakGlassEvent check(RequestId id) {
        return settle(
                store.get(id)
                        .orElseThrow(() -> new SentinelException(
                                ErrorCode.BREAKGLASS_NOT_FOUND,
                                "There is no break-glass event " + id + ".",
                                "List events with 'sentinel breakglass-list'.")),
                clock.instant());
    }

    /** One page of events, newest first; those found past their end are recorded as expired. */
    public Page<BreakGlassEvent> list(BreakGlassQuery query, String pageToken) {
        Instant now = clock.instant();
        Page<BreakGlassEvent> page = store.list(query, pageToken);
        List<BreakGlassEvent> settled = new ArrayList<>();
        for (BreakGlassEvent event : page.items()) {
            BreakGlassEvent current = settle(event, now);
            if (query.status() == null || current.status() == query.status()) {
                settled.add(current);
            }
        }
        return new Page<>(settled, page.next());
    }

    /** The gate's view of break-glass: the active events that open a window. */
    public BreakGlassWindows windows() {
        return windows;
    }

    /** The window's length: asked for or default, capped by what is left of the rule's time window. */
    private static Duration length(BreakGlassRule rule, Duration asked, Instant now) {
        Duration wanted = asked != null
                ? asked
                : (rule.maxDuration().compareTo(BreakGlassRule.DEFAULT_DURATION) < 0
                        ? rule.maxDuration()
                        : BreakGlassRule.DEFAULT_DURATION);
        if (wanted.compareTo(MIN_DURATION) < 0 || wanted.compareTo(rule.maxDuration()) > 0) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "The duration must be between " + DurationText.format(MIN_DURATION) + " and "
                            + DurationText.format(rule.maxDuration()) + " (rule '" + rule.name() + "'); it is "
                            + DurationText.format(wanted) + ".",
                    "Pass a --duration within those limits, for example --duration 1h.");
        }
        if (rule.time() == null) {
            return wanted;
        }
        Duration left = rule.time().remaining(now, wanted);
        if (left.compareTo(MIN_DURATION) < 0) {
            throw new SentinelException(
                    ErrorCode.DURATION_TOO_SHORT,
                    "Rule '" + rule.name() + "' allows break-glass only "
                            + rule.time().describe()
                            + ", and that window closes in " + left.toMinutes()
                            + " minutes; AWS STS issues no credentials shorter than 15 minutes.",
                    "Ask an administrator if this emergency needs a wider window.");
        }
        return left.compareTo(wanted) < 0 ? left : wanted;
    }

    /**
     * Applies the rule's rate limit. Refuses with the time the invoker may retry; returns whether the
     * invoker already has {@code escalation_threshold} events within the window, so this one is flagged.
     */
    private boolean checkRateLimit(BreakGlassRule rule, String user, String profile, Instant now) {
        RateLimit limit = rule.rateLimit();
        if (limit == null) {
            return false;
        }
        if (limit.cooldown() != null) {
            Optional<BreakGlassEvent> last = store.latest(user, profile);
            if (last.isPresent()) {
                Instant retry = last.get().createdAt().plus(limit.cooldown());
                if (now.isBefore(retry)) {
                    throw limited(
                            "a cooldown of " + DurationText.format(limit.cooldown())
                                    + " after each break-glass on profile '" + profile + "'",
                            rule,
                            retry);
                }
            }
        }
        if (limit.window() == null) {
            return false;
        }
        Instant since = now.minus(limit.window());
        if (limit.maxPerUser() != null) {
            List<BreakGlassEvent> mine = since(new BreakGlassQuery(user, null, null, PAGE), since);
            if (mine.size() >= limit.maxPerUser()) {
                throw limited(
                        "at most " + limit.maxPerUser() + " break-glass events per user in "
                                + DurationText.format(limit.window()),
                        rule,
                        retryAfter(mine, limit.maxPerUser(), limit.window()));
            }
        }
        if (limit.maxPerProfile() != null) {
            List<BreakGlassEvent> onProfile = since(new BreakGlassQuery(null, null, profile, PAGE), since);
            if (onProfile.size() >= limit.maxPerProfile()) {
                throw limited(
                        "at most " + limit.maxPerProfile() + " break-glass events on profile '" + profile + "' in "
                                + DurationText.format(limit.window()),
                        rule,
                        retryAfter(onProfile, limit.maxPerProfile(), limit.window()));
            }
        }
        return limit.escalationThreshold() != null
                && store.countSince(user, null, since) >= limit.escalationThreshold();
    }

    /** The events of {@code query} opened at or after {@code since}, newest first. */
    private List<BreakGlassEvent> since(BreakGlassQuery query, Instant since) {
        List<BreakGlassEvent> found = new ArrayList<>();
        String token = null;
        do {
            Page<BreakGlassEvent> page = store.list(query, token);
            for (BreakGlassEvent event : page.items()) {
                if (event.createdAt().isBefore(since)) {
                    return found;
                }
                found.add(event);
            }
            token = page.next();
        } while (token != null);
        return found;
    }

    /** When enough of the counted events (newest first) have aged out of the window to allow one more. */
    private static Instant retryAfter(List<BreakGlassEvent> newestFirst, int max, Duration window) {
        return newestFirst.get(max - 1).createdAt().plus(window);
    }

    private static SentinelException limited(String what, BreakGlassRule rule, Instant retry) {
        return new SentinelException(
                ErrorCode.RATE_LIMITED,
                "Break-glass refused: rule '" + rule.name() + "' allows " + what + ". Retry after " + retry + ".",
                "Wait until " + retry + ", or ask another responder.");
    }

    private BreakGlassEvent settle(BreakGlassEvent event, Instant now) {
        if (event.statusAt(now) != Status.EXPIRED || event.status() == Status.EXPIRED) {
            return event;
        }
        BreakGlassEvent expired = event.next(Status.EXPIRED, now, null, null);
        try {
            store.update(expired);
        } catch (SentinelException e) {
            if (e.code() == ErrorCode.STATE_CONFLICT) {
                return store.get(event.id()).orElseThrow(() -> e);
            }
            throw e;
        }
        events.publish(event("breakglass.expired", expired, "sentinel", now));
        return expired;
    }

    private static LifecycleEvent event(String type, BreakGlassEvent event, String actor, Instant now) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", event.status().yamlName());
        details.put("reason_code", event.reasonCode().yamlName());
        details.put("justification", event.justification());
        details.put("duration", DurationText.format(event.duration()));
        details.put("expires_at", event.expiresAt().toString());
        if (event.mfaMethod() != null) {
            details.put("mfa_method", event.mfaMethod());
        }
        if (event.escalated()) {
            details.put("escalated", "true");
        }
        if (event.closedBy() != null) {
            details.put("closed_by", event.closedBy());
            details.put("closed_reason", event.closedReason());
        }
        return new LifecycleEvent(type, now, event.id().value(), event.profile(), event.invoker(), actor, details);
    }
}
