package dev.sentinel.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP load generator: sends GET requests at a fixed rate, whatever the server's latency,
 * and measures each response from the time the request was <em>scheduled</em> to be sent, not from when
 * it was sent. A server that stalls therefore shows the stall in every request it delayed (no
 * coordinated omission), as wrk2 does. Requests go out over up to {@code --connections} keep-alive
 * connections (default 64), one request in flight on each ({@link OpenLoopClient}). Plain HTTP only.
 * Only loopback or other addresses of this machine are meant as targets; the run is bounded in time.
 *
 * <pre>
 * java -cp sentinel-bench/target/benchmarks.jar dev.sentinel.bench.HttpLoad \
 *     --url http://127.0.0.1:8080/credentials --header 'Authorization: TOKEN' \
 *     --rate 1000 --warmup 10s --duration 30s
 * </pre>
 *
 * {@code --url-from-env VAR} and {@code --header-from-env 'Name=VAR'} read the URL or a header value from
 * the environment, so a secret never has to appear on a command line. Exit code 0 when every measured
 * request got the expected status (default 200), 1 otherwise, 2 for a usage error.
 */
public final class HttpLoad {
    /** What to send, how fast and for how long. */
    public record Config(
            URI url,
            Map<String, String> headers,
            int rate,
            Duration warmup,
            Duration duration,
            Duration timeout,
            int expectedStatus,
            int connections) {
        public Config {
            requireNonNull(url, "url is null");
            headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            requireNonNull(warmup, "warmup is null");
            requireNonNull(duration, "duration is null");
            requireNonNull(timeout, "timeout is null");
            if (rate < 1 || rate > 100_000) {
                throw new IllegalArgumentException("rate must be between 1 and 100000 requests per second");
            }
            if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
                throw new IllegalArgumentException("duration must be positive and warm-up not negative");
            }
            if (connections < 1 || connections > 10_000) {
                throw new IllegalArgumentException("connections must be between 1 and 10000");
            }
            if (duration.plus(warmup).compareTo(Duration.ofMinutes(30)) > 0) {
                throw new IllegalArgumentException("a run is bounded to 30 minutes");
            }
        }
    }

    /**
     * The measured part of a run. {@code latency} holds nanoseconds from each request's scheduled send
     * time to its complete response (failed requests included, up to when they failed); {@code sendLag}
     * how far behind schedule the generator actually sent.
     */
    public record Result(
            long scheduled,
            Map<Integer, Long> statuses,
            long failures,
            long unfinished,
            Histogram latency,
            Histogram sendLag,
            Duration measured,
            String firstFailure) {
        public long completed() {
            return statuses.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Whether every scheduled request was answered with {@code expected}. */
        public boolean clean(int expected) {
            return failures == 0
                    && unfinished == 0
                    && statuses.keySet().stream().allMatch(s -> s == expected)
                    && completed() == scheduled;
        }
    }

    private HttpLoad() {}

    public static void main(String[] args) throws IOException {
        Config config;
        try {
            config = parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("http-load: " + e.getMessage());
            System.err.println("usage: HttpLoad --url URL | --url-from-env VAR  [--header 'Name: value']..."
                    + " [--header-from-env Name=VAR]... [--rate N/s, default 1000] [--warmup 10s] [--duration 30s]"
                    + " [--timeout 5s] [--expect 200] [--connections 64]");
            System.exit(2);
            return;
        }
        Result result;
        try {
            result = run(config);
        } catch (IllegalArgumentException e) {
            System.err.println("http-load: " + e.getMessage());
            System.exit(2);
            return;
        }
        report(config, result, System.out);
        System.exit(result.clean(config.expectedStatus()) ? 0 : 1);
    }

    static Config parse(String[] args, Map<String, String> env) {
        URI url = null;
        Map<String, String> headers = new LinkedHashMap<>();
        int rate = 1000;
        Duration warmup = Duration.ofSeconds(10);
        Duration duration = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(5);
        int expect = 200;
        int connections = 64;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--url" -> url = URI.create(value);
                case "--url-from-env" -> url = URI.create(fromEnv(env, value));
                case "--header" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--header takes 'Name: value'");
                    }
                    headers.put(
                            value.substring(0, colon).strip(),
                            value.substring(colon + 1).strip());
                }
                case "--header-from-env" -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--header-from-env takes Name=VARIABLE");
                    }
                    headers.put(value.substring(0, equals), fromEnv(env, value.substring(equals + 1)));
                }
                case "--rate" -> rate = Integer.parseInt(value);
                case "--warmup" -> warmup = duration(value);
                case "--duration" -> duration = duration(value);
                case "--timeout" -> timeout = duration(value);
                case "--expect" -> expect = Integer.parseInt(value);
                case "--connections" -> connections = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url or --url-from-env is required");
        }
        return new Config(url, headers, rate, warmup, duration, timeout, expect, connections);
    }

    private static String fromEnv(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        return value;
    }

    /** {@code 500ms}, {@code 30s} or {@code 2m}. */
    static Duration duration(String text) {
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted forms.
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s or 2m");
    }

    /** Runs the warm-up, then the measured period, then waits for the last responses (up to the timeout). */
    public static Result run(Config config) throws IOException {
        return new OpenLoopClient(config, config.connections()).run();
    }

    static void report(Config config, Result result, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "target: %s at %d req/s for %d s after %d s of warm-up (%d requests measured)%n",
                config.url(),
                config.rate(),
                config.duration().toSeconds(),
                config.warmup().toSeconds(),
                result.scheduled());
        StringBuilder statuses = new StringBuilder();
        result.statuses()
                .forEach((status, count) ->
                        statuses.append(' ').append(status).append(": ").append(count));
        out.printf(
                Locale.ROOT,
                "completed: %d (%s), failed: %d, unanswered: %d%n",
                result.completed(),
                statuses.toString().strip(),
                result.failures(),
                result.unfinished());
        out.printf(
                Locale.ROOT,
                "throughput: %.1f req/s%n",
                result.completed() / (result.measured().toNanos() / 1e9));
        Histogram h = result.latency();
        out.printf(
                Locale.ROOT,
                "latency from scheduled send (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
        Histogram lag = result.sendLag();
        out.printf(
                Locale.ROOT,
                "generator behind schedule (ms): p99 %.3f  max %.3f%n",
                ms(lag.getValueAtPercentile(99)),
                ms(lag.getMaxValue()));
        if (result.firstFailure() != null) {
            out.println("first failure: " + result.firstFailure());
        }
        out.println(result.clean(config.expectedStatus()) ? "result: clean" : "result: NOT CLEAN (see above)");
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
