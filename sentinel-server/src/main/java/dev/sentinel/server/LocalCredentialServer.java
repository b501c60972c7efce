package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sentinel.gate.Gate;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local credentials endpoint of {@code sentinel exec --server} (DESIGN.md 4.5): the AWS SDKs'
 * container-credentials protocol ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} plus
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}) on 127.0.0.1 only. Every request must carry the per-run
 * token (compared in constant time) and a Host header naming this address (no DNS rebinding), and every
 * request goes through the gate again in mode {@code server}, so a policy change takes effect at the
 * child's next refresh. Errors are {@code {"code","message"}} with the status of the error's category.
 */
public final class LocalCredentialServer implements CredentialEndpoint {
    public static final String PATH = CredentialRequests.PATH;
    private static final int HANDLER_THREADS = 16;
    public static final String URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public static final String TOKEN_VARIABLE = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    /** The JDK HTTP server's switch for TCP_NODELAY, read once, when the first server in the process starts. */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final CredentialRequests requests;
    private final int port;

    private LocalCredentialServer(HttpServer server, ExecutorService executor, CredentialRequests requests) {
        this.server = server;
        this.executor = executor;
        this.requests = requests;
        this.port = server.getAddress().getPort();
    }

    /** Starts the endpoint on a free loopback port, without session tracking. */
    public static LocalCredentialServer start(Gate gate, ProfileName profile) throws IOException {
        return start(gate, profile, null);
    }

    /**
     * Starts the endpoint on a free loopback port; every refresh belongs to the tracked {@code session}
     * (null for none), so revoking the session refuses the next refresh.
     */
    public static LocalCredentialServer start(Gate gate, ProfileName profile, RequestId session) throws IOException {
        requireNonNull(gate, "gate is null");
        requireNonNull(profile, "profile is null");
        CredentialRequests requests = new CredentialRequests(gate, profile, session, TOKEN_VARIABLE);
        // The JDK's HTTP server writes a response's headers and body separately. With Nagle's algorithm on,
        // the body then waits for the client's delayed ACK: 40 ms per response on Linux. Unless set otherwise.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        // Most of a request's time is spent waiting for its decision log line to reach the disk. Concurrent
        // requests share one sync (the log commits in groups), so more handler threads than cores let a
        // busy server sync once for many requests instead of once for each.
        ExecutorService executor = Executors.newFixedThreadPool(HANDLER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "sentinel-credential-server");
            thread.setDaemon(true);
            return thread;
        });
        LocalCredentialServer server = new LocalCredentialServer(http, executor, requests);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    /** The value for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + PATH);
    }

    /** The value for {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}: a secret for the child only. */
    public String token() {
        return requests.token();
    }

    @Override
    public Map<String, String> childEnvironment() {
        return Map.of(URI_VARIABLE, uri().toString(), TOKEN_VARIABLE, token());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "LocalCredentialServer[" + uri() + ", token=<redacted>]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            CredentialRequests.Reply reply = ("127.0.0.1:" + port).equals(host) || ("localhost:" + port).equals(host)
                    ? requests.answer(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().getPath(),
                            exchange.getRequestHeaders().getFirst("Authorization"))
                    : CredentialRequests.error(
                            403, "FORBIDDEN_HOST", "The Host header does not name this loopback endpoint.");
            byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
