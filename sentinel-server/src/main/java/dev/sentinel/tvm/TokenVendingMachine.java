package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.error.ErrorCategory;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.Effect;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.ratelimit.Admission;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistrySource;
import dev.sentinel.registry.RegisteredProfile;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The token vending machine's HTTP API (docs/tvm.md), shared by the standalone server and the Lambda
 * function and independent of either: the server is the trust boundary. Every request goes
 * route → caller authentication → rate limit (per caller ARN) → profile registry → gate (mode
 * {@code server}, with the authenticated caller) → issue → session → log.
 *
 * <ul>
 *   <li>{@code GET /profiles}: the registered profiles the caller could be issued now (a dry run each).
 *   <li>{@code GET /credentials?profile=NAME}: container-credentials JSON; with
 *       {@code X-Sentinel-Session: ID} the refresh belongs to that session of the caller's.
 *   <li>{@code POST /sessions?profile=NAME}: opens a tracked session for the caller.
 *   <li>{@code DELETE /sessions/ID}: ends one of the caller's sessions.
 * </ul>
 *
 * <p>Errors are {@code {"code","message"}} with the code's HTTP status. Policy refusals say why (as the
 * CLI does) and name the decision id; configuration, AWS and internal errors say only that the server
 * failed and the decision id, and their details go to the diagnostics sink and the decision log.
 */
public final class TokenVendingMachine {
    public static final String SESSION_HEADER = "X-Sentinel-Session";
    /** The longest a tracked session may run; each refresh's credentials are short-lived. */
    public static final Duration SESSION_LENGTH = Duration.ofHours(12);

    private static final Set<ErrorCategory> EXPLAINED =
            Set.of(ErrorCategory.USAGE, ErrorCategory.DENIED, ErrorCategory.APPROVAL);
    private static final String SESSIONS = "/sessions";

    private final CallerAuthenticator authenticator;
    private final RateLimiter limiter;
    private final ProfileRegistrySource registry;
    private final Gate gate;
    private final SessionStore sessions;
    private final Clock clock;
    private final Consumer<String> diagnostics;
    private final TvmTimings timings;

    /**
     * @param gate a gate whose issuer assumes the registry's roles; its identity resolver is never asked,
     *     because every request carries the caller this server authenticated
     * @param diagnostics where details of refusals and failures go (stderr, CloudWatch); never a response
     */
    public TokenVendingMachine(
            CallerAuthenticator authenticator,
            RateLimiter limiter,
            ProfileRegistrySource registry,
            Gate gate,
            SessionStore sessions,
            Clock clock,
            Consumer<String> diagnostics) {
        this(authenticator, limiter, registry, gate, sessions, clock, diagnostics, null);
    }

    /** @param timings where to record each request's time (load tests), or null */
    public TokenVendingMachine(
            CallerAuthenticator authenticator,
            RateLimiter limiter,
            ProfileRegistrySource registry,
            Gate gate,
            SessionStore sessions,
            Clock clock,
            Consumer<String> diagnostics,
            TvmTimings timings) {
        this.timings = timings;
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.diagnostics = requireNonNull(diagnostics, "diagnostics is null");
    }

    private enum Route {
        PROFILES,
        CREDENTIALS,
        OPEN_SESSION,
        END_SESSION
    }

    public TvmResponse handle(TvmRequest request) {
        if (timings == null) {
            return route(request);
        }
        long start = System.nanoTime();
        timings.begin();
        try {
            return route(request);
        } finally {
            timings.end(System.nanoTime() - start);
        }
    }

    private TvmResponse route(TvmRequest request) {
        Route route;
        String path = request.path();
        if (path.equals("/profiles")) {
            route = Route.PROFILES;
        } else if (path.equals("/credentials")) {
            route = Route.CREDENTIALS;
        } else if (path.equals(SESSIONS)) {
            route = Route.OPEN_SESSION;
        } else if (path.startsWith(SESSIONS + "/")) {
            route = Route.END_SESSION;
        } else {
            return TvmResponse.error(404, "NOT_FOUND", "There is nothing at " + printable(path) + ".");
        }
        String method =
                switch (route) {
                    case PROFILES, CREDENTIALS -> "GET";
                    case OPEN_SESSION -> "POST";
                    case END_SESSION -> "DELETE";
                };
        if (!request.method().equals(method)) {
            return TvmResponse.error(405, "METHOD_NOT_ALLOWED", printable(path) + " accepts only " + method + ".");
        }
        CallerIdentity caller = null;
        try {
            caller = authenticator.authenticate(request);
            Admission admission = limiter.admit(caller.arn(), clock.instant());
            if (!admission.admitted()) {
                diagnostics.accept("tvm: rate limit refused " + request + " of " + caller.arn());
                return new TvmResponse(
                        ErrorCode.RATE_LIMITED.httpStatus(),
                        Map.of("Retry-After", Long.toString(admission.retryAfterSeconds())),
                        JsonWriter.object()
                                .field("code", ErrorCode.RATE_LIMITED.name())
                                .field(
                                        "message",
                                        "Too many requests; retry in " + admission.retryAfterSeconds() + " seconds.")
                                .close());
            }
            return switch (route) {
                case PROFILES -> profiles(caller);
                case CREDENTIALS -> credentials(caller, request);
                case OPEN_SESSION -> openSession(caller, request);
                case END_SESSION -> endSession(caller, path.substring(SESSIONS.length() + 1));
            };
        } catch (SentinelException e) {
            return failure(request, caller, e.code(), e.getMessage(), null);
        } catch (RuntimeException e) {
            return failure(request, caller, ErrorCode.INTERNAL_ERROR, e.toString(), null);
        }
    }

    private TvmResponse profiles(CallerIdentity caller) {
        List<String> available = new ArrayList<>();
        for (RegisteredProfile profile : registry.load().profiles()) {
            Outcome outcome = gate.request(new AccessRequest(profile.name(), Mode.SERVER, null, true, null, caller));
            if (!(outcome instanceof Outcome.DryRun dryRun)) {
                Outcome.Refused refused = (Outcome.Refused) outcome;
                diagnostics.accept("tvm: cannot decide on profile '" + profile.name() + "' for " + caller.arn()
                        + " (decision id " + refused.decisionId() + "): " + refused.code() + ": " + refused.message());
                continue;
            }
            boolean sessionOnly = dryRun.wouldRefuse() != null
                    && dryRun.wouldRefuse().code() == ErrorCode.SERVER_MODE_REQUIRED
                    && dryRun.decision().effect() == Effect.REQUIRE_SERVER_SESSION;
            if (dryRun.wouldRefuse() == null || sessionOnly) {
                available.add(JsonWriter.object()
                        .field("name", profile.name().value())
                        .field("session_required", sessionOnly)
                        .close());
            }
        }
        return TvmResponse.json(200, "{\"profiles\":[" + String.join(",", available) + "]}");
    }

    private TvmResponse credentials(CallerIdentity caller, TvmRequest request) {
        ProfileName profile = registered(request);
        RequestId session = null;
        Optional<String> sessionHeader = request.header(SESSION_HEADER);
        if (sessionHeader.isPresent()) {
            session = ownSession(caller, sessionHeader.get(), profile).id();
        }
        Outcome outcome = gate.request(AccessRequest.authenticated(profile, caller, session));
        if (outcome instanceof Outcome.Issued issued) {
            return TvmResponse.json(200, body(issued.credentials().credentials()));
        }
        return refusal(request, caller, (Outcome.Refused) outcome);
    }

    private TvmResponse openSession(CallerIdentity caller, TvmRequest request) {
        ProfileName profile = registered(request);
        RequestId id = RequestId.random();
        Outcome check = gate.request(new AccessRequest(profile, Mode.SERVER, null, true, id, caller));
        if (check instanceof Outcome.Refused refused) {
            return refusal(request, caller, refused);
        }
        Outcome.DryRun dryRun = (Outcome.DryRun) check;
        if (dryRun.wouldRefuse() != null) {
            return refusal(request, caller, dryRun.wouldRefuse());
        }
        Instant now = clock.instant();
        Instant end = now.plus(SESSION_LENGTH);
        sessions.create(new ServerSession(
                id, profile.value(), caller.user(), ServerSession.Status.ACTIVE, now, now, end, 0, null, null));
        diagnostics.accept("tvm: session " + id + " opened for " + caller.arn() + " on profile '" + profile + "'");
        return TvmResponse.json(
                201,
                JsonWriter.object()
                        .field("session", id.value())
                        .field("profile", profile.value())
                        .field("expires_at", end.toString())
                        .close());
    }

    private TvmResponse endSession(CallerIdentity caller, String id) {
        ServerSession session = ownSession(caller, id, null);
        sessions.end(session.id(), clock.instant());
        return TvmResponse.json(
                200,
                JsonWriter.object()
                        .field("session", session.id().value())
                        .field("status", "ended")
                        .close());
    }

    /**
     * The caller's session {@code text}, on {@code profile} when that is not null. Another user's session
     * is refused exactly like one that does not exist, so ids cannot be probed.
     */
    private ServerSession ownSession(CallerIdentity caller, String text, ProfileName profile) {
        Optional<ServerSession> session =
                RequestId.isValid(text) ? sessions.get(new RequestId(text)) : Optional.empty();
        if (session.isEmpty()
                || !session.get().user().equals(caller.user())
                || profile != null && !session.get().profile().equals(profile.value())) {
            throw new SentinelException(
                    ErrorCode.SESSION_NOT_FOUND,
                    "You have no session " + printable(text) + (profile == null ? "" : " for profile '" + profile + "'")
                            + " on this server.",
                    "Open one with POST /sessions?profile=NAME ('sentinel exec --remote-server' does).");
        }
        return session.get();
    }

    /** The requested profile, which must be registered. A role ARN is never a profile. */
    private ProfileName registered(TvmRequest request) {
        String name = request.query("profile")
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.USAGE, "The query parameter 'profile' is required.", "Add ?profile=NAME."));
        if (name.startsWith("arn:") || ProfileRegistry.isRoleArn(name)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "Name a profile, not a role ARN: this server assumes only the roles its profile registry names.",
                    "Use the profile name from your AWS config; GET /profiles lists them.");
        }
        if (!ProfileName.isValid(name)) {
            throw new SentinelException(
                    ErrorCode.USAGE, "'" + printable(name) + "' is not a profile name.", "GET /profiles lists them.");
        }
        ProfileName profile = new ProfileName(name);
        if (registry.load().find(profile).isEmpty()) {
            throw new SentinelException(
                    ErrorCode.PROFILE_NOT_REGISTERED,
                    "No profile '" + name + "' is registered with this server.",
                    "GET /profiles lists the profiles you can use.");
        }
        return profile;
    }

    private TvmResponse refusal(TvmRequest request, CallerIdentity caller, Outcome.Refused refused) {
        return failure(request, caller, refused.code(), refused.message(), refused.decisionId());
    }

    /**
     * The answer for a refusal or failure: the message itself when it explains a refusal to the caller,
     * else a message that only names the decision id, with the details sent to diagnostics.
     */
    private TvmResponse failure(
            TvmRequest request, CallerIdentity caller, ErrorCode code, String detail, RequestId decisionId) {
        String who = caller == null ? "an unauthenticated caller" : caller.arn();
        String quote = decisionId == null ? "" : " (decision id " + decisionId + ")";
        diagnostics.accept("tvm: refused " + request + " of " + who + quote + ": " + code + ": " + detail);
        String message;
        if (EXPLAINED.contains(code.category())) {
            int cut = detail.indexOf(Gate.NOT_LOGGED);
            message = (cut < 0 ? detail : detail.substring(0, cut)) + quote;
        } else {
            message = "The server could not complete this request" + quote
                    + "; its operators can find the details in the server's log.";
        }
        return TvmResponse.error(code.httpStatus(), code.name(), message);
    }

    /** The container-credentials body that the AWS SDKs read. */
    static String body(AwsCredentials credentials) {
        return JsonWriter.object()
                .field("AccessKeyId", credentials.accessKeyId())
                .field("SecretAccessKey", credentials.secretAccessKey())
                .field("Token", credentials.sessionToken())
                .field("Expiration", credentials.expiration().toString())
                .close();
    }

    /** Caller-supplied text, shortened and stripped of control characters, for messages. */
    private static String printable(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
