package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.server.CredentialEndpoint;
import dev.sentinel.server.LocalCredentialServer;
import dev.sentinel.server.UnixSocketCredentialServer;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = {
            "Run COMMAND with credentials for PROFILE in its environment, if policy allows.",
            "The child gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, the profile's region, and AWS_SENTINEL=<profile>, which makes nested Sentinel calls fail. AWS_PROFILE and other credential variables are removed. The exit code is the command's own; without COMMAND, $SHELL is started.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel exec --profile prod-role -- aws s3 ls",
            "  sentinel exec --profile dev-role -- terraform plan",
            "  sentinel exec --server --socket --profile dev-role -- sh -c \\",
            "    'curl -s --unix-socket \"$SENTINEL_CREDENTIALS_SOCKET\" \\",
            "      -H \"Authorization: $SENTINEL_CREDENTIALS_TOKEN\" http://localhost/credentials'",
            "  sentinel exec --remote-server https://tvm.example.com --profile prod-role \\",
            "      -- aws s3 ls"
        })
final class ExecCommand implements Callable<Integer> {
    static final List<String> REMOVED = List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            UnixSocketCredentialServer.SOCKET_VARIABLE,
            UnixSocketCredentialServer.TOKEN_VARIABLE);

    /** The longest a server session may run; the server's credentials themselves last 15 minutes. */
    static final java.time.Duration MAX_SESSION = java.time.Duration.ofHours(12);

    private final Platform platform;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "PROFILE",
            description = "AWS config profile to issue credentials for.")
    String profile;

    @Option(
            names = "--server",
            description = "Serve credentials to the child from a loopback endpoint (the SDKs' container-credentials"
                    + " protocol) instead of putting them in its environment. Every refresh is decided again in mode"
                    + " server, and credentials last 15 minutes unless the rule's max_server_duration says otherwise.")
    boolean server;

    @Option(
            names = "--socket",
            description = "With --server: serve over a Unix domain socket that only your own user may use, instead"
                    + " of loopback TCP. The child gets SENTINEL_CREDENTIALS_SOCKET and SENTINEL_CREDENTIALS_TOKEN."
                    + " AWS SDKs cannot read container credentials from a socket: this is for tools and wrappers"
                    + " that can, such as curl --unix-socket.")
    boolean socket;

    @Option(
            names = "--remote-server",
            paramLabel = "URL",
            description = "Get the credentials from the token vending machine at URL instead of this machine: a"
                    + " session is opened there, and the child is served from a loopback endpoint that asks the server"
                    + " at every refresh, proving who you are with your own AWS credentials (docs/tvm.md).")
    String remoteServer;

    @Option(
            names = "--aws-profile",
            paramLabel = "PROFILE",
            description = "With --remote-server: the local AWS profile whose base credentials prove who you are"
                    + " (default: AWS_PROFILE, else the default credentials).")
    String awsProfile;

    @Parameters(
            paramLabel = "COMMAND",
            arity = "0..*",
            description = "The command and its arguments (put them after --).")
    List<String> command = new ArrayList<>();

    ExecCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        if (socket && !server) {
            throw new SentinelException(
                    ErrorCode.USAGE, "--socket only applies to --server.", "Use 'sentinel exec --server --socket'.");
        }
        Nesting.refuseInsideExec(platform);
        ProfileName name = Profiles.parse(profile);
        List<String> argv = command.isEmpty()
                ? List.of(Optional.ofNullable(platform.env("SHELL")).orElse("/bin/sh"))
                : command;
        if (remoteServer != null || awsProfile != null) {
            return remote(name, argv);
        }
        Sentinel sentinel = Sentinel.open(platform);
        if (server) {
            return runWithServer(sentinel, name, argv);
        }
        Outcome outcome = sentinel.gate().request(new AccessRequest(name, Mode.CLI, null));
        if (outcome instanceof Outcome.Refused refused) {
            return Errors.refused(platform.err(), refused);
        }
        AwsCredentials credentials = ((Outcome.Issued) outcome).credentials().credentials();
        Map<String, String> env = childEnvironment(platform.env(), name, sentinel.region(name));
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        env.put("AWS_SESSION_TOKEN", credentials.sessionToken());
        env.put("AWS_CREDENTIAL_EXPIRATION", credentials.expiration().toString());
        return run(argv, env);
    }

    /**
     * Checks the policy up front (a dry run, so a refused profile fails before the child starts), then
     * serves the child from a loopback endpoint for as long as it runs.
     */
    private int runWithServer(Sentinel sentinel, ProfileName name, List<String> argv) {
        Gate gate = sentinel.serverGate();
        RequestId session = RequestId.random();
        Outcome check = gate.request(new AccessRequest(name, Mode.SERVER, null, true, session));
        if (check instanceof Outcome.Refused refused) {
            return Errors.refused(platform.err(), refused);
        }
        Outcome.DryRun dryRun = (Outcome.DryRun) check;
        if (dryRun.wouldRefuse() != null) {
            return Errors.refused(platform.err(), dryRun.wouldRefuse());
        }
        String user = dryRun.caller().user();
        SessionStore sessions = sentinel.sessions();
        Instant now = platform.clock().instant();
        sessions.create(new ServerSession(
                session,
                name.value(),
                user,
                ServerSession.Status.ACTIVE,
                now,
                now,
                now.plus(MAX_SESSION),
                0,
                null,
                null));
        platform.err()
                .println("sentinel: server session " + session.value() + " for profile '" + name
                        + "' (revoke with 'sentinel server-revoke " + session.value()
                        + " --reason TEXT --profile PROFILE')");
        Path socketParent = Path.of(System.getProperty("java.io.tmpdir"));
        try (CredentialEndpoint endpoint = socket
                ? UnixSocketCredentialServer.start(
                        gate, name, session, socketParent, w -> platform.err().println("sentinel: " + w))
                : LocalCredentialServer.start(gate, name, session)) {
            Map<String, String> env = childEnvironment(platform.env(), name, sentinel.region(name));
            env.putAll(endpoint.childEnvironment());
            return run(argv, env);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.INTERNAL_ERROR,
                    "Cannot start the local credential server: " + e.getMessage(),
                    socket
                            ? "Check that " + socketParent + " is a writable directory."
                            : "Check that loopback networking is available.",
                    e);
        } finally {
            sessions.end(session, platform.clock().instant());
        }
    }

    /** {@code --remote-server}: the server decides; this machine's policy and state are not used. */
    private int remote(ProfileName name, List<String> argv) {
        if (remoteServer == null) {
            throw new SentinelException(
                    ErrorCode.USAGE, "--aws-profile is used only with --remote-server.", "Add --remote-server URL.");
        }
        if (server) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "--server and --remote-server cannot be combined.",
                    "Use --server for this machine's credential server, --remote-server for a token vending machine.");
        }
        return RemoteExec.run(platform, remoteServer, awsProfile, name, env -> run(argv, env));
    }

    private int run(List<String> argv, Map<String, String> env) {
        ProcessBuilder child = new ProcessBuilder(argv).inheritIO();
        child.environment().clear();
        child.environment().putAll(env);
        try {
            ChildSignals signals = ChildSignals.install();
            Process process = child.start();
            signals.started(process);
            return waitFor(process);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "Cannot run '" + argv.get(0) + "': " + e.getMessage(),
                    "Check the command name and that it is on PATH.",
                    e);
        }
    }

    /** The parent's environment without any AWS credential settings, marked as inside Sentinel, with the profile's region. */
    static Map<String, String> childEnvironment(
            Map<String, String> parent, ProfileName profile, Optional<String> region) {
        Map<String, String> env = new java.util.HashMap<>(parent);
        REMOVED.forEach(env::remove);
        env.put(Nesting.MARKER, profile.value());
        region.ifPresent(r -> {
            env.putIfAbsent("AWS_REGION", r);
            env.putIfAbsent("AWS_DEFAULT_REGION", r);
        });
        return env;
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                process.destroy();
            }
        }
    }
}
