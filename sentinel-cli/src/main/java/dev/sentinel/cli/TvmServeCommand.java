package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.tvm.TvmTimings;
import dev.sentinel.yaml.DurationText;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve credentials for the profiles of a registry to callers who prove who they are with AWS (docs/tvm.md).",
            "Each request is authenticated (a signed STS GetCallerIdentity, forwarded to STS), rate-limited per caller, decided by the policy in mode server and, if allowed, answered with credentials of the registry's role, assumed with this server's own AWS credentials and stamped with the caller's SourceIdentity. Policy, decision log and sessions come from config.yaml. Runs until stopped (Ctrl-C or TERM).",
        },
        footer = {
            "",
            "Example:",
            "  sentinel tvm serve --registry profiles.yaml --server-id tvm.example.com",
            "  # then, on a user's machine, through a TLS proxy in front of the server:",
            "  sentinel exec --remote-server https://tvm.example.com --profile dev-role \\",
            "      -- aws s3 ls"
        })
final class TvmServeCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(
            names = "--registry",
            required = true,
            paramLabel = "FILE",
            description = "The profile registry: profile names and the roles they map to (YAML, docs/tvm.md).")
    Path registry;

    @Option(
            names = "--server-id",
            required = true,
            paramLabel = "ID",
            description = "This server's id, which every identity proof must carry: the host name clients use in"
                    + " its URL (for example tvm.example.com).")
    String serverId;

    @Option(
            names = "--listen",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}). The server speaks plain HTTP: on"
                    + " any other address, put a TLS-terminating proxy in front of it.")
    String listen;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8600",
            description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--sts-endpoint",
            paramLabel = "URL",
            description = "The STS endpoint identity proofs must be signed for and are forwarded to (default:"
                    + " AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL if set, else https://sts.amazonaws.com/).")
    URI stsEndpoint;

    @Option(
            names = "--aws-profile",
            paramLabel = "PROFILE",
            description = "The local AWS profile with this server's own credentials, which assume the registry's"
                    + " roles (default: the AWS SDK's default credentials).")
    String awsProfile;

    @Option(
            names = "--rate-limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most N requests per caller in any --rate-window (default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(
            names = "--rate-window",
            paramLabel = "DURATION",
            defaultValue = "1m",
            description = "The sliding window of --rate-limit, like 30s or 1m (default: ${DEFAULT-VALUE}).")
    String rateWindow;

    @Option(
            names = "--rate-limit-table",
            paramLabel = "TABLE",
            description = "Count requests in this DynamoDB table (partition key 'id'), shared by several servers,"
                    + " instead of in this server's memory.")
    String rateLimitTable;

    @Option(
            names = "--timings",
            description = "For load tests: time every request, and print on exit where the time went (the"
                    + " pipeline's own time, the time waiting for STS, and the total; durations only).")
    boolean timings;

    @Option(
            names = "--timings-warmup",
            paramLabel = "DURATION",
            defaultValue = "0s",
            description = "With --timings: leave out the requests that arrive within DURATION of the first one, like"
                    + " a load generator's warm-up (default: ${DEFAULT-VALUE}).")
    String timingsWarmup;

    TvmServeCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        TvmWiring.Options options =
                new TvmWiring.Options(registry, serverId, address(), stsEndpoint, awsProfile, rate(), rateLimitTable);
        Duration warmUp = DurationText.parse(timingsWarmup)
                .orElseThrow(() -> usage(
                        "--timings-warmup '" + timingsWarmup + "' is not a duration.", "Write it like 5s or 1m."));
        TvmTimings timed = timings ? new TvmTimings(warmUp) : null;
        TvmWiring.Running running = TvmWiring.start(platform, options, timed);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            if (timed != null) {
                platform.err().println(timed.report());
            }
            stopped.countDown();
        }));
        if (!options.address().getAddress().isLoopbackAddress()) {
            platform.err()
                    .println("sentinel: warning: serving plain HTTP on " + listen
                            + "; clients refuse http:// URLs that are not loopback, so put a TLS-terminating proxy in"
                            + " front of it");
        }
        platform.err()
                .println("sentinel: token vending machine listening on "
                        + running.server().uri() + " (server id "
                        + options.serverId() + ", STS " + running.stsEndpoint() + ", rate limit " + options.rate()
                        + " per caller" + (rateLimitTable == null ? "" : " in " + rateLimitTable) + ")");
        stopped.await();
        return 0;
    }

    private InetSocketAddress address() {
        if (port < 0 || port > 65535) {
            throw usage("--port " + port + " is not a port.", "Use 1-65535, or 0 for a free one.");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(listen), port);
        } catch (UnknownHostException e) {
            throw usage("--listen " + listen + " is not an address of this machine.", "Use an IP address.");
        }
    }

    private RequestRate rate() {
        Duration window = DurationText.parse(rateWindow)
                .orElseThrow(() ->
                        usage("--rate-window '" + rateWindow + "' is not a duration.", "Write it like 30s or 1m."));
        try {
            return new RequestRate(rateLimit, window);
        } catch (IllegalArgumentException e) {
            throw usage("Invalid rate limit: " + e.getMessage() + ".", "See 'sentinel tvm serve --help'.");
        }
    }

    private static SentinelException usage(String message, String hint) {
        return new SentinelException(ErrorCode.USAGE, message, hint);
    }
}
