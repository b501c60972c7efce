package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.aws.IamSourceIdentityRevoker;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionRevocation;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "server-revoke",
        mixinStandardHelpOptions = true,
        description = {
            "Revoke a local credential server session: its next refresh is refused.",
            "The revoker is identified by AWS (STS GetCallerIdentity on --profile's base credentials) and recorded with the reason. Without --now, credentials already handed out stay valid until they expire (at most 15 minutes in server mode).",
            "--now also ends those credentials: an inline policy on their role denies everything to their SourceIdentity until they expire. IAM may take a few minutes to apply it everywhere. Running --now again on a revoked or ended session writes the denies again.",
            "--cleanup removes such denies once every credential they end has expired (--now also does this for the roles it touches).",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel server-revoke k3v9q2m7xa --reason \"laptop reported stolen\" --profile admin",
            "  sentinel server-revoke k3v9q2m7xa --reason \"laptop reported stolen\" --profile admin --now --aws-profile iam-admin",
            "  sentinel server-revoke --cleanup --aws-profile iam-admin"
        })
final class ServerRevokeCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(
            arity = "0..1",
            paramLabel = "ID",
            description = "The session id printed by 'sentinel exec --server' (not with --cleanup).")
    String id;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Why; recorded with the revocation. Required with ID.")
    String reason;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            description = "The AWS profile that identifies you as the revoker. Required with ID.")
    String profile;

    @Option(
            names = "--now",
            description = "Also end the credentials the session already handed out, with an IAM deny on their role.")
    boolean now;

    @Option(
            names = "--cleanup",
            description = "Remove the IAM denies that are no longer needed, from every role the session store knows.")
    boolean cleanup;

    @Option(
            names = "--aws-profile",
            paramLabel = "PROFILE",
            description = "The AWS profile whose credentials write IAM (default: sessions.revoke_aws_profile).")
    String awsProfile;

    ServerRevokeCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        if (cleanup) {
            if (id != null || reason != null || profile != null || now) {
                throw usage("--cleanup takes no session id, --reason, --profile or --now.");
            }
            return cleanup(Sentinel.open(platform));
        }
        if (id == null || reason == null || profile == null) {
            throw usage("Revoking needs a session id, --reason and --profile.");
        }
        if (awsProfile != null && !now) {
            throw usage("--aws-profile is used only with --now or --cleanup.");
        }
        RequestId session = ServerSessionCommand.sessionId(id);
        Sentinel sentinel = Sentinel.open(platform);
        CallerIdentity revoker = sentinel.uncachedIdentity().resolve(Profiles.parse(profile));
        SessionRevocation revocation = sentinel.revocation();
        if (!now) {
            ServerSession revoked = revocation.revoke(session, revoker.user(), reason);
            platform.err().println(revokedLine(revoked));
            return 0;
        }
        SessionRevocation.Report report =
                revocation.revokeNow(session, revoker.user(), reason, () -> sentinel.iamRevoker(awsProfile));
        return render(report, platform.err());
    }

    private static String revokedLine(ServerSession s) {
        return "revoked server session " + s.id().value() + " (profile '" + s.profile() + "', user " + s.user()
                + "); its next refresh is refused";
    }

    /** Writes what happened, role by role, and returns the exit code: 0 only if nothing was left valid by failure. */
    static int render(SessionRevocation.Report report, PrintStream err) {
        ServerSession s = report.session();
        String id = s.id().value();
        switch (report.prior()) {
            case ACTIVE -> err.println(revokedLine(s));
            case REVOKED ->
                err.println("server session " + id + " was already revoked by " + s.revokedBy() + " ("
                        + s.revokedReason() + "); its next refresh is refused");
            case ENDED ->
                err.println("server session " + id + " had already ended at " + s.expiresAt()
                        + "; ending the credentials it handed out");
        }
        if (report.roles().isEmpty() && report.unstamped().isEmpty()) {
            err.println(
                    s.issuances().isEmpty()
                            ? "the session recorded no credentials handed out, so there is nothing to deny"
                            : "no credential it handed out is still valid, so there is nothing to deny");
        }
        for (SessionRevocation.RoleOutcome outcome : report.roles()) {
            int count = outcome.stamps().size();
            switch (outcome.kind()) {
                case DENIED ->
                    err.println("ended " + count + " credential(s) of role " + outcome.roleArn()
                            + ": inline policy " + IamSourceIdentityRevoker.policyName(s.id())
                            + " denies their SourceIdentity until "
                            + ((SessionRevocation.Denied) outcome).until()
                            + "; IAM may take a few minutes to apply it everywhere");
                case ROLE_GONE ->
                    err.println("role " + outcome.roleArn() + " no longer exists, so no deny was written for its "
                            + count + " credential(s)");
                case NOT_DENIED -> {
                    SessionRevocation.NotDenied failed = (SessionRevocation.NotDenied) outcome;
                    Errors.report(
                            err,
                            failed.error().code(),
                            "NOT ended: " + count + " credential(s) of role " + failed.roleArn() + " stay valid until "
                                    + failed.validUntil() + ". "
                                    + failed.error().getMessage(),
                            failed.error().hint() + " Then run 'sentinel server-revoke " + id
                                    + " --now' again: it writes the deny again.",
                            null);
                }
            }
        }
        if (!report.unstamped().isEmpty()) {
            Instant last = report.unstamped().stream()
                    .map(Issuance::expiresAt)
                    .max(Instant::compareTo)
                    .orElseThrow();
            err.println("warning: " + report.unstamped().size()
                    + " credential(s) without a role (GetSessionToken) stay valid until " + last
                    + ": STS cannot stamp them, so no deny can end them");
        }
        if (!report.cleaned().isEmpty()) {
            err.println("removed deny policies that are no longer needed: " + String.join(", ", report.cleaned()));
        }
        report.cleanupProblems().forEach(problem -> err.println("warning: cleanup: " + problem));
        List<SessionRevocation.NotDenied> failures = report.failures();
        return failures.isEmpty() ? 0 : failures.get(0).error().exitCode();
    }

    private int cleanup(Sentinel sentinel) {
        PrintStream err = platform.err();
        int exit = 0;
        int removed = 0;
        List<SessionRevocation.RoleCleanup> cleanups = sentinel.revocation().cleanup(sentinel.iamRevoker(awsProfile));
        for (SessionRevocation.RoleCleanup c : cleanups) {
            if (c.error() != null) {
                Errors.report(
                        err,
                        c.error().code(),
                        "Cannot tidy role " + c.roleArn() + ": " + c.error().getMessage(),
                        c.error().hint(),
                        null);
                exit = exit == 0 ? c.error().exitCode() : exit;
                continue;
            }
            if (!c.removal().removed().isEmpty()) {
                err.println("role " + c.roleArn() + ": removed "
                        + String.join(", ", c.removal().removed()));
                removed += c.removal().removed().size();
            }
            c.removal()
                    .unreadable()
                    .forEach(name -> err.println("warning: role " + c.roleArn() + ": cannot tell when " + name
                            + " may be removed; it was left in place for you to check"));
        }
        err.println("removed " + removed + " deny policies no longer needed, from " + cleanups.size()
                + " role(s) the session store knows");
        return exit;
    }

    private static SentinelException usage(String message) {
        return new SentinelException(
                ErrorCode.USAGE, message, "Run 'sentinel server-revoke --help' for the forms this command takes.");
    }
}
