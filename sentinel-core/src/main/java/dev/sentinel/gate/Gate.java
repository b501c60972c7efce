package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.DecisionEntry;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.Decision;
import dev.sentinel.policy.Effect;
import dev.sentinel.policy.EvaluationRequest;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.policy.Rule;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place where a policy decision becomes "issue" or "refuse" (DESIGN.md 3). Every credential path
 * (credential_process, exec, servers) comes through here. It fails closed: any error while learning the
 * caller, loading the policy, issuing or recording means nothing is issued. Every request is recorded,
 * and credentials are returned only after their record was written; within a tracked session, also only
 * after the session recorded them (so that {@code server-revoke --now} can end them).
 */
public final class Gate {
    public static final Duration DEFAULT_SERVER_DURATION = Duration.ofMinutes(15);
    /** The shortest credentials AWS STS issues (AssumeRole and GetSessionToken). */
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(15);
    /**
     * What a refusal's message says, followed by the logging error, when the refusal itself could not be
     * logged; a server that must not show internal errors cuts the message here.
     */
    public static final String NOT_LOGGED = " (and the decision could not be logged: ";

    private final IdentityResolver identities;
    private final PolicySource policies;
    private final CredentialIssuer issuer;
    private final AuditSink audit;
    private final Clock clock;
    private final Supplier<RequestId> ids;
    private final SessionStore sessions;
    private final GrantLookup grants;

    public Gate(
            IdentityResolver identities,
            PolicySource policies,
            CredentialIssuer issuer,
            AuditSink audit,
            Clock clock,
            Supplier<RequestId> ids) {
        this(identities, policies, issuer, audit, clock, ids, null);
    }

    /** @param sessions where server sessions are tracked, or null when they are not */
    public Gate(
            IdentityResolver identities,
            PolicySource policies,
            CredentialIssuer issuer,
            AuditSink audit,
            Clock clock,
            Supplier<RequestId> ids,
            SessionStore sessions) {
        this(identities, policies, issuer, audit, clock, ids, sessions, GrantLookup.NONE);
    }

    private Gate(
            IdentityResolver identities,
            PolicySource policies,
            CredentialIssuer issuer,
            AuditSink audit,
            Clock clock,
            Supplier<RequestId> ids,
            SessionStore sessions,
            GrantLookup grants) {
        this.identities = requireNonNull(identities, "identities is null");
        this.policies = requireNonNull(policies, "policies is null");
        this.issuer = requireNonNull(issuer, "issuer is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.sessions = sessions;
        this.grants = requireNonNull(grants, "grants is null");
    }

    /** This gate, also letting approved requests and break-glass events past a refusing decision. */
    public Gate withGrants(GrantLookup lookup) {
        return new Gate(identities, policies, issuer, audit, clock, ids, sessions, lookup);
    }

    public Outcome request(AccessRequest request) {
        RequestId decisionId = ids.get();
        Instant now = clock.instant();
        CallerIdentity caller = null;
        LoadedPolicy policy = null;
        Decision decision = null;
        try {
            caller = request.caller() != null ? request.caller() : identities.resolve(request.profile());
            policy = policies.load(request.profile());
            decision = policy.policy()
                    .evaluate(new EvaluationRequest(
                            request.profile(), caller.user(), request.mode(), now, request.device()));
            boolean tracked = request.session() != null && sessions != null;
            Outcome.Refused refusal = refusal(decisionId, caller, decision, tracked);
            GrantLookup.Window window = null;
            if (refusal != null && overridable(refusal.code())) {
                window = window(caller, request.profile(), decision, now);
                if (window != null) {
                    refusal = null;
                } else if (decision.effect() == Effect.REQUIRE_APPROVAL) {
                    refusal = pending(decisionId, caller, decision, now, refusal);
                }
            }
            Grant grant = window == null ? Grant.DIRECT : window.grant();
            Duration lifetime = lifetime(decision);
            if (refusal == null && window != null) {
                Duration left = Duration.between(now, window.end());
                if (left.compareTo(MIN_LIFETIME) < 0) {
                    refusal = tooShort(decisionId, caller, decision, window, left);
                } else if (lifetime == null || left.compareTo(lifetime) < 0) {
                    lifetime = left;
                }
            }
            if (request.dryRun()) {
                Outcome.DryRun dryRun = new Outcome.DryRun(decisionId, caller, decision, refusal);
                audit.record(entry(now, request, policy, dryRun, refusal == null ? grant : null));
                return dryRun;
            }
            if (refusal != null) {
                issuer.discard(request.profile(), caller);
                return recordRefusal(now, request, policy, refusal);
            }
            if (request.session() != null) {
                if (sessions == null) {
                    throw new SentinelException(
                            ErrorCode.SESSION_STORE_UNAVAILABLE,
                            "Session " + request.session() + " cannot be checked: no session store is configured.",
                            "");
                }
                sessions.touch(request.session(), now);
            }
            SourceIdentity stamp = SourceIdentity.of(caller.user(), grant, decisionId);
            IssuedCredentials issued =
                    issuer.issue(new IssueRequest(request.profile(), caller, stamp, lifetime, request.session()));
            Outcome.Issued outcome = new Outcome.Issued(decisionId, caller, decision, issued);
            try {
                if (request.session() != null && !issued.cached()) {
                    // Conditional on the session still being active: a revocation either lists these
                    // credentials (and can deny them) or refuses them here, before they are handed out.
                    // Credentials reused within the run were recorded when they were first issued in it.
                    sessions.recordIssuance(request.session(), Issuance.of(decisionId, issued), now);
                }
                audit.record(entry(now, request, policy, outcome, grant));
            } catch (RuntimeException e) {
                // Never handed out, so never kept: a later call must not reuse credentials no line records.
                issuer.discard(request.profile(), caller);
                throw e;
            }
            return outcome;
        } catch (SentinelException e) {
            Outcome.Refused refusal =
                    new Outcome.Refused(decisionId, caller, decision, e.code(), e.getMessage(), e.hint());
            return recordRefusal(now, request, policy, refusal);
        } catch (RuntimeException e) {
            Outcome.Refused refusal = new Outcome.Refused(
                    decisionId,
                    caller,
                    decision,
                    ErrorCode.INTERNAL_ERROR,
                    "Internal error while deciding on profile '" + request.profile() + "': " + e,
                    "Report this with decision id " + decisionId + ".");
            return recordRefusal(now, request, policy, refusal);
        }
    }

    /**
     * The longest lifetime the deciding rule allows. In server mode credentials are short (15 minutes
     * unless the rule's {@code max_server_duration} says otherwise), so a policy change or a revocation
     * takes effect at the next refresh; {@code max_duration} caps both.
     */
    static Duration lifetime(Decision decision) {
        Rule rule = decision.rule();
        if (decision.request().mode() != Mode.SERVER) {
            return rule == null ? null : rule.maxDuration();
        }
        if (rule == null) {
            return DEFAULT_SERVER_DURATION;
        }
        Duration server = rule.maxServerDuration() != null ? rule.maxServerDuration() : DEFAULT_SERVER_DURATION;
        return rule.maxDuration() != null && rule.maxDuration().compareTo(server) < 0 ? rule.maxDuration() : server;
    }

    /** Refusals that an approval or break-glass window may lift: the policy's own, not how access is asked for. */
    private static boolean overridable(ErrorCode code) {
        return code == ErrorCode.POLICY_DENIED
                || code == ErrorCode.POLICY_NO_MATCH
                || code == ErrorCode.APPROVAL_REQUIRED;
    }

    /**
     * The open window that lifts this refusal: an approved request where the policy asks for approval, else
     * an active break-glass event. Null when there is none.
     */
    private GrantLookup.Window window(CallerIdentity caller, ProfileName profile, Decision decision, Instant now) {
        if (decision.effect() == Effect.REQUIRE_APPROVAL) {
            Optional<GrantLookup.Window> approved = grants.approval(caller.user(), profile, now);
            if (approved.isPresent()) {
                return approved.get();
            }
        }
        return grants.breakGlass(caller.user(), profile, now).orElse(null);
    }

    private Outcome.Refused pending(
            RequestId id, CallerIdentity caller, Decision decision, Instant now, Outcome.Refused required) {
        String profile = decision.request().profile().value();
        return grants.pendingApproval(caller.user(), decision.request().profile(), now)
                .map(pending -> new Outcome.Refused(
                        id,
                        caller,
                        decision,
                        ErrorCode.APPROVAL_PENDING,
                        "Your access request " + pending + " for profile '" + profile + "' is waiting for approval.",
                        "Check it with 'sentinel check " + pending + "'; an approver runs 'sentinel approve " + pending
                                + "'."))
                .orElse(required);
    }

    private static Outcome.Refused tooShort(
            RequestId id, CallerIdentity caller, Decision decision, GrantLookup.Window window, Duration left) {
        String what = window.grant().kind() == Grant.Kind.APPROVAL ? "approved access window" : "break-glass window";
        return new Outcome.Refused(
                id,
                caller,
                decision,
                ErrorCode.DURATION_TOO_SHORT,
                "The " + what + " " + window.grant().reference() + " closes in " + left.toMinutes()
                        + " minutes, and AWS STS issues no credentials shorter than 15 minutes.",
                window.grant().kind() == Grant.Kind.APPROVAL
                        ? "Request a new access window with 'sentinel request'."
                        : "Close it with 'sentinel breakglass-close' and invoke break-glass again if still needed.");
    }

    /** The refusal a decision implies, or null when it allows issuing. */
    private static Outcome.Refused refusal(RequestId id, CallerIdentity caller, Decision decision, boolean tracked) {
        String profile = decision.request().profile().value();
        return switch (decision.effect()) {
            case ALLOW -> null;
            case DENY ->
                decision.matched()
                        ? new Outcome.Refused(
                                id,
                                caller,
                                decision,
                                ErrorCode.POLICY_DENIED,
                                "Denied by policy rule '" + decision.ruleName() + "': " + decision.reason(),
                                "Ask your platform team if you need access to profile '" + profile + "'.")
                        : new Outcome.Refused(
                                id,
                                caller,
                                decision,
                                ErrorCode.POLICY_NO_MATCH,
                                "Denied: no policy rule matched user '" + caller.user() + "' for profile '" + profile
                                        + "'.",
                                "Run 'sentinel policy explain' to see why each rule did not match, or ask for a rule that covers you.");
            case REQUIRE_APPROVAL ->
                new Outcome.Refused(
                        id,
                        caller,
                        decision,
                        ErrorCode.APPROVAL_REQUIRED,
                        "Profile '" + profile + "' requires an approved access request (rule '" + decision.ruleName()
                                + "').",
                        "Ask an approver to approve an access request for this profile.");
            case REQUIRE_SERVER ->
                decision.request().mode() == Mode.SERVER ? null : serverRequired(id, caller, decision, "");
            case REQUIRE_SERVER_SESSION ->
                decision.request().mode() == Mode.SERVER && tracked
                        ? null
                        : serverRequired(id, caller, decision, " with a tracked session");
        };
    }

    private static Outcome.Refused serverRequired(RequestId id, CallerIdentity caller, Decision decision, String what) {
        String profile = decision.request().profile().value();
        return new Outcome.Refused(
                id,
                caller,
                decision,
                ErrorCode.SERVER_MODE_REQUIRED,
                "Profile '" + profile + "' may only be used through Sentinel's credential server" + what + " (rule '"
                        + decision.ruleName() + "'), not in mode "
                        + decision.request().mode().yamlName() + ".",
                "Use 'sentinel exec --server --profile " + profile + " -- <command>'.");
    }

    private Outcome.Refused recordRefusal(
            Instant now, AccessRequest request, LoadedPolicy policy, Outcome.Refused refusal) {
        try {
            audit.record(entry(now, request, policy, refusal, null));
        } catch (RuntimeException e) {
            // The refusal stands either way; the caller learns the record is missing too.
            return new Outcome.Refused(
                    refusal.decisionId(),
                    refusal.caller(),
                    refusal.decision(),
                    refusal.code(),
                    refusal.message() + NOT_LOGGED + e.getMessage() + ")",
                    refusal.hint());
        }
        return refusal;
    }

    private static DecisionEntry entry(
            Instant now, AccessRequest request, LoadedPolicy policy, Outcome outcome, Grant grant) {
        CallerIdentity caller;
        Decision decision;
        String code = null;
        String reason;
        IssuedCredentials issued = null;
        String result;
        if (outcome instanceof Outcome.Issued i) {
            caller = i.caller();
            decision = i.decision();
            issued = i.credentials();
            reason = decision.reason();
            result = DecisionEntry.ISSUED;
        } else if (outcome instanceof Outcome.DryRun d) {
            caller = d.caller();
            decision = d.decision();
            code = d.wouldRefuse() == null ? null : d.wouldRefuse().code().name();
            reason = decision.reason();
            result = DecisionEntry.DRY_RUN;
        } else {
            Outcome.Refused r = (Outcome.Refused) outcome;
            caller = r.caller();
            decision = r.decision();
            code = r.code().name();
            reason = decision != null && r.code() != ErrorCode.INTERNAL_ERROR ? decision.reason() : r.message();
            result = DecisionEntry.REFUSED;
        }
        return new DecisionEntry(
                now,
                outcome.decisionId().value(),
                result,
                request.profile().value(),
                request.mode().yamlName(),
                caller == null ? null : caller.user(),
                caller == null ? null : caller.arn(),
                decision == null ? null : decision.effect().yamlName(),
                decision == null ? null : decision.ruleName(),
                decision == null ? null : decision.ruleIndex(),
                reason,
                code,
                issued == null || issued.sourceIdentity() == null
                        ? null
                        : issued.sourceIdentity().format(),
                issued == null ? null : issued.roleArn(),
                issued == null ? null : issued.credentials().expiration(),
                issued == null ? null : issued.cached(),
                policy == null ? null : policy.source(),
                policy == null ? null : policy.sha256(),
                request.session() == null ? null : request.session().value(),
                grant);
    }
}
