package dev.sentinel.local.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real webhook receiver on loopback for tests: answers with the scripted statuses in turn (200 once
 * they run out), optionally after a delay, and records every request with whether its signature checked
 * out with {@link WebhookSignature}.
 */
final class WebhookReceiver implements AutoCloseable {
    record Received(Map<String, List<String>> headers, byte[] body, int status, boolean verified) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final byte[] secret;
    private final Clock clock;
    private volatile Duration delay = Duration.ZERO;

    private WebhookReceiver(int port, byte[] secret, Clock clock) throws IOException {
        this.secret = secret.clone();
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A receiver on a free port. */
    static WebhookReceiver start(byte[] secret, Clock clock) throws IOException {
        return new WebhookReceiver(0, secret, clock);
    }

    /** A receiver on a given port, for "the receiver comes back" tests. */
    static WebhookReceiver startOn(int port, byte[] secret, Clock clock) throws IOException {
        return new WebhookReceiver(port, secret, clock);
    }

    WebhookReceiver answer(Integer... statuses) {
        this.statuses.addAll(List.of(statuses));
        return this;
    }

    WebhookReceiver delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The URL to configure, with a token in the path as real webhook URLs often have. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/secret-token?key=abc");
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Integer scripted = statuses.poll();
            int status = scripted == null ? 200 : scripted;
            boolean verified = WebhookSignature.verify(
                    secret,
                    exchange.getRequestHeaders().getFirst("X-Sentinel-Timestamp"),
                    body,
                    exchange.getRequestHeaders().getFirst("X-Sentinel-Signature"),
                    clock.instant(),
                    WebhookSignature.DEFAULT_TOLERANCE);
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, status, verified));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
