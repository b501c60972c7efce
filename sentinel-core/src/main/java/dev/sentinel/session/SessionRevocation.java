package dev.sentinel.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Revokes a server session, and on request also ends the credentials it already handed out.
 *
 * <p>The store revocation always comes first and always stands: the session's next refresh is refused
 * whatever happens afterwards. Ending the credentials already handed out puts a deny on each role for
 * the SourceIdentities of the session's credentials that are still valid, until the last of them
 * expires (plus {@link #DENY_MARGIN}). Each role's outcome is reported separately, so a caller can say
 * exactly which credentials were not ended and why. Running it again for a session already revoked or
 * ended writes the same denies again, so a revocation that could not reach IAM can be completed later.
 */
public final class SessionRevocation {
    /** How long a deny outlives the last credentials it ends, for clocks that disagree. */
    public static final Duration DENY_MARGIN = Duration.ofMinutes(5);

    private final SessionStore sessions;
    private final Clock clock;

    public SessionRevocation(SessionStore sessions, Clock clock) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The state the session was in when the revocation found it. */
    public enum Prior {
        /** It was active and is revoked now. */
        ACTIVE,
        /** Someone had revoked it already. */
        REVOKED,
        /** It had ended (its server stopped or its time ran out); credentials it handed out may still be valid. */
        ENDED
    }

    /** What happened to one role's credentials. */
    public sealed interface RoleOutcome permits Denied, RoleGone, NotDenied {
        enum Kind {
            DENIED,
            ROLE_GONE,
            NOT_DENIED
        }

        Kind kind();

        String roleArn();

        /** The SourceIdentities of the session's still-valid credentials for this role. */
        List<SourceIdentity> stamps();
    }

    /** The deny is on the role until {@code until}. */
    public record Denied(String roleArn, List<SourceIdentity> stamps, Instant until) implements RoleOutcome {
        public Denied {
            requireNonNull(roleArn, "roleArn is null");
            stamps = List.copyOf(stamps);
            requireNonNull(until, "until is null");
        }

        @Override
        public Kind kind() {
            return Kind.DENIED;
        }
    }

    /** The role no longer exists, so nothing was attached to it. */
    public record RoleGone(String roleArn, List<SourceIdentity> stamps) implements RoleOutcome {
        public RoleGone {
            requireNonNull(roleArn, "roleArn is null");
            stamps = List.copyOf(stamps);
        }

        @Override
        public Kind kind() {
            return Kind.ROLE_GONE;
        }
    }

    /** The deny could not be written: these credentials stay valid until {@code validUntil}. */
    public record NotDenied(String roleArn, List<SourceIdentity> stamps, Instant validUntil, SentinelException error)
            implements RoleOutcome {
        public NotDenied {
            requireNonNull(roleArn, "roleArn is null");
            stamps = List.copyOf(stamps);
            requireNonNull(validUntil, "validUntil is null");
            requireNonNull(error, "error is null");
        }

        @Override
        public Kind kind() {
            return Kind.NOT_DENIED;
        }
    }

    /**
     * The outcome of {@link #revokeNow}. {@code unstamped} are still-valid credentials that no deny can
     * end (GetSessionToken credentials, which carry no role). {@code cleaned} names denies from earlier
     * revocations on the roles just denied that were no longer needed and were removed; {@code cleanupProblems}
     * says what could not be tidied up (nothing that weakens this revocation).
     */
    public record Report(
            ServerSession session,
            Prior prior,
            List<RoleOutcome> roles,
            List<Issuance> unstamped,
            List<String> cleaned,
            List<String> cleanupProblems) {
        public Report {
            requireNonNull(session, "session is null");
            requireNonNull(prior, "prior is null");
            roles = List.copyOf(roles);
            unstamped = List.copyOf(unstamped);
            cleaned = List.copyOf(cleaned);
            cleanupProblems = List.copyOf(cleanupProblems);
        }

        /** The roles whose deny could not be written; empty when every still-valid credential was ended. */
        public List<NotDenied> failures() {
            List<NotDenied> failures = new ArrayList<>();
            for (RoleOutcome outcome : roles) {
                if (outcome instanceof NotDenied notDenied) {
                    failures.add(notDenied);
                }
            }
            return failures;
        }
    }

    /** What one role's cleanup did, or the error that stopped it. */
    public record RoleCleanup(String roleArn, SourceIdentityRevoker.Removal removal, SentinelException error) {
        public RoleCleanup {
            requireNonNull(roleArn, "roleArn is null");
            if ((removal == null) == (error == null)) {
                throw new IllegalArgumentException("a cleanup has a removal or an error");
            }
        }
    }

    /**
     * Revokes the session in the store only: its next refresh is refused, and credentials already handed
     * out stay valid until they expire.
     *
     * @throws SentinelException when it is not active or does not exist
     */
    public ServerSession revoke(RequestId id, String by, String reason) {
        return sessions.revoke(id, by, reason, clock.instant());
    }

    /**
     * Revokes the session in the store (unless it was revoked or ended already), then denies its
     * still-valid role credentials through the revoker, and removes earlier denies that are no longer needed
     * from the roles it just wrote a deny to. {@code revoker} is asked for only when there is something to deny; if it
     * cannot be had, that is reported for every role like any other failure to write a deny.
     *
     * @throws SentinelException when there is no such session, or the store cannot be reached
     */
    public Report revokeNow(RequestId id, String by, String reason, Supplier<SourceIdentityRevoker> revoker) {
        requireNonNull(revoker, "revoker is null");
        Instant now = clock.instant();
        ServerSession session;
        Prior prior;
        try {
            session = sessions.revoke(id, by, reason, now);
            prior = Prior.ACTIVE;
        } catch (SentinelException e) {
            if (e.code() != ErrorCode.SESSION_REVOKED && e.code() != ErrorCode.SESSION_EXPIRED) {
                throw e;
            }
            session = sessions.get(id).orElseThrow(() -> e);
            prior = e.code() == ErrorCode.SESSION_REVOKED ? Prior.REVOKED : Prior.ENDED;
        }
        Map<String, List<Issuance>> byRole = new TreeMap<>();
        List<Issuance> unstamped = new ArrayList<>();
        for (Issuance issuance : session.issuances()) {
            if (!issuance.expiresAt().isAfter(now)) {
                continue;
            }
            if (issuance.stamped()) {
                byRole.computeIfAbsent(issuance.roleArn(), r -> new ArrayList<>())
                        .add(issuance);
            } else {
                unstamped.add(issuance);
            }
        }
        List<RoleOutcome> outcomes = new ArrayList<>();
        SourceIdentityRevoker iam = null;
        SentinelException unavailable = null;
        for (Map.Entry<String, List<Issuance>> role : byRole.entrySet()) {
            List<SourceIdentity> stamps = stamps(role.getValue());
            Instant lastExpiry = role.getValue().stream()
                    .map(Issuance::expiresAt)
                    .max(Instant::compareTo)
                    .orElseThrow();
            if (iam == null && unavailable == null) {
                try {
                    iam = requireNonNull(revoker.get(), "revoker supplied null");
                } catch (SentinelException e) {
                    unavailable = e;
                }
            }
            if (unavailable != null) {
                outcomes.add(new NotDenied(role.getKey(), stamps, lastExpiry, unavailable));
                continue;
            }
            Instant until =
                    lastExpiry.plus(DENY_MARGIN).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            try {
                SourceIdentityRevoker.Denial denial = iam.deny(session.id(), role.getKey(), stamps, until);
                outcomes.add(
                        denial == SourceIdentityRevoker.Denial.WRITTEN
                                ? new Denied(role.getKey(), stamps, until)
                                : new RoleGone(role.getKey(), stamps));
            } catch (SentinelException e) {
                outcomes.add(new NotDenied(role.getKey(), stamps, lastExpiry, e));
            }
        }
        List<String> cleaned = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> denied = outcomes.stream()
                .filter(outcome -> outcome.kind() == RoleOutcome.Kind.DENIED)
                .map(RoleOutcome::roleArn)
                .toList();
        if (iam != null) {
            for (RoleCleanup cleanup : cleanup(iam, denied, now)) {
                if (cleanup.error() != null) {
                    problems.add(cleanup.roleArn() + ": " + cleanup.error().getMessage());
                } else {
                    cleaned.addAll(cleanup.removal().removed());
                    cleanup.removal()
                            .unreadable()
                            .forEach(name -> problems.add(cleanup.roleArn() + ": cannot tell when " + name
                                    + " may be removed; it was left in place"));
                }
            }
        }
        return new Report(session, prior, outcomes, unstamped, cleaned, problems);
    }

    /**
     * Removes the denies that are no longer needed from every role that credentials recorded in the store
     * belong to. Each role is tidied separately; one that fails does not stop the others.
     */
    public List<RoleCleanup> cleanup(SourceIdentityRevoker revoker) {
        requireNonNull(revoker, "revoker is null");
        TreeSet<String> roles = new TreeSet<>();
        for (ServerSession session : sessions.list(null, Integer.MAX_VALUE)) {
            for (Issuance issuance : session.issuances()) {
                if (issuance.stamped()) {
                    roles.add(issuance.roleArn());
                }
            }
        }
        return cleanup(revoker, roles, clock.instant());
    }

    private static List<RoleCleanup> cleanup(SourceIdentityRevoker revoker, Iterable<String> roles, Instant now) {
        List<RoleCleanup> cleanups = new ArrayList<>();
        for (String role : roles) {
            try {
                cleanups.add(new RoleCleanup(role, revoker.removeExpired(role, now), null));
            } catch (SentinelException e) {
                cleanups.add(new RoleCleanup(role, null, e));
            }
        }
        return cleanups;
    }

    private static List<SourceIdentity> stamps(List<Issuance> issuances) {
        TreeMap<String, SourceIdentity> unique = new TreeMap<>();
        for (Issuance issuance : issuances) {
            unique.put(issuance.sourceIdentity().format(), issuance.sourceIdentity());
        }
        return List.copyOf(unique.values());
    }
}
