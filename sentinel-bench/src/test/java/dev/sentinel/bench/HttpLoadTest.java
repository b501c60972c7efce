package dev.sentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpLoadTest {
    static {
        // As the credential server does: without it the JDK's server adds the client's delayed ACK (40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final AtomicInteger served = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int stallAt = -1;
    private volatile int status = 200;
    private HttpServer server;
    private ExecutorService executor;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newSingleThreadExecutor();
        server.createContext("/", exchange -> {
            try (exchange) {
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                if (served.incrementAndGet() == stallAt) {
                    sleep(300);
                }
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpLoad.Config config(int rate, Duration duration) {
        return new HttpLoad.Config(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/credentials"),
                Map.of("Authorization", "token-1"),
                rate,
                Duration.ofMillis(200),
                duration,
                Duration.ofSeconds(5),
                200,
                64);
    }

    @Test
    void aStallShowsInEveryRequestItDelayedNotJustInOne() throws IOException {
        // 400 measured requests at 200/s; a single-threaded server stalls 300 ms on one of them, so about
        // 60 requests scheduled during the stall wait. Measured from their scheduled send time, the slowest
        // 5 % all waited well over 100 ms; measured from the actual send, only one request would have.
        stallAt = 200;
        HttpLoad.Result result = HttpLoad.run(config(200, Duration.ofSeconds(2)));

        assertThat(result.scheduled()).isEqualTo(400);
        assertThat(result.statuses()).containsExactly(Map.entry(200, 400L));
        assertThat(result.clean(200)).isTrue();
        assertThat(result.latency().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
        assertThat(result.latency().getValueAtPercentile(95)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(result.latency().getValueAtPercentile(50)).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(served.get()).isEqualTo(440); // 40 warm-up requests are sent but not measured
        assertThat(authorizations).containsOnly("token-1");
    }

    @Test
    void anUnexpectedStatusMakesTheRunNotClean() throws IOException {
        status = 503;
        HttpLoad.Result result = HttpLoad.run(config(100, Duration.ofMillis(500)));

        assertThat(result.statuses()).containsExactly(Map.entry(503, 50L));
        assertThat(result.clean(200)).isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpLoad.report(
                config(100, Duration.ofMillis(500)), result, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("503: 50", "NOT CLEAN", "p99");
    }

    @Test
    void aServerThatIsGoneIsCountedAsFailures() throws IOException {
        HttpLoad.Config config = config(50, Duration.ofMillis(200));
        server.stop(0);

        HttpLoad.Result result = HttpLoad.run(config);

        assertThat(result.failures()).isEqualTo(10);
        assertThat(result.firstFailure()).isNotNull();
        assertThat(result.clean(200)).isFalse();
    }

    @Test
    void readsTheUrlAndSecretHeadersFromTheEnvironment() {
        HttpLoad.Config config = HttpLoad.parse(
                new String[] {
                    "--url-from-env", "URL", "--header-from-env", "Authorization=TOKEN", "--header", "X-Test: a: b",
                    "--rate", "250", "--warmup", "500ms", "--duration", "2m"
                },
                Map.of("URL", "http://127.0.0.1:1/credentials", "TOKEN", "secret"));

        assertThat(config.url()).hasToString("http://127.0.0.1:1/credentials");
        assertThat(config.headers()).containsOnly(Map.entry("Authorization", "secret"), Map.entry("X-Test", "a: b"));
        assertThat(config.rate()).isEqualTo(250);
        assertThat(config.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.duration()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void refusesMissingVariablesBadDurationsAndUnboundedRuns() {
        assertThatThrownBy(() -> HttpLoad.parse(new String[] {"--url-from-env", "NOPE"}, Map.of()))
                .hasMessageContaining("NOPE is not set");
        assertThatThrownBy(() -> HttpLoad.parse(new String[] {"--rate", "10"}, Map.of()))
                .hasMessageContaining("--url");
        assertThatThrownBy(() -> HttpLoad.duration("10h")).hasMessageContaining("not a duration");
        assertThatThrownBy(() ->
                        HttpLoad.parse(new String[] {"--url", "http://127.0.0.1:1/", "--duration", "31m"}, Map.of()))
                .hasMessageContaining("bounded");
        assertThatThrownBy(() -> HttpLoad.parse(new String[] {"--url", "http://127.0.0.1:1/", "--rate", "0"}, Map.of()))
                .hasMessageContaining("rate");
    }
}
