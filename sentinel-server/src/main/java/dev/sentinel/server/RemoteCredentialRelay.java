package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.tvm.TvmClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The local end of {@code sentinel exec --remote-server}: the AWS SDKs' container-credentials endpoint on
 * 127.0.0.1, with the same guards as {@link LocalCredentialServer} (a per-run token compared in constant
 * time, a Host header that names this address), that relays every refresh to the token vending machine
 * with a fresh identity proof and passes the server's answer through unchanged. The child never holds
 * the user's own credentials; it holds the token for this endpoint only.
 */
public final class RemoteCredentialRelay implements AutoCloseable {
    public static final String PATH = "/credentials";

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final String tokenText;
    private final TvmClient tvm;
    private final ProfileName profile;
    private final RequestId session;
    private final Consumer<String> diagnostics;
    private final int port;

    private RemoteCredentialRelay(
            HttpServer server,
            ExecutorService executor,
            String token,
            TvmClient tvm,
            ProfileName profile,
            RequestId session,
            Consumer<String> diagnostics) {
        this.server = server;
        this.executor = executor;
        this.tokenText = token;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.tvm = tvm;
        this.profile = profile;
        this.session = session;
        this.diagnostics = diagnostics;
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts the endpoint on a free loopback port; every refresh asks {@code tvm} for {@code profile}
     * within {@code session} (null for none). Problems reaching the server go to {@code diagnostics}.
     */
    public static RemoteCredentialRelay start(
            TvmClient tvm, ProfileName profile, RequestId session, Consumer<String> diagnostics) throws IOException {
        requireNonNull(tvm, "tvm is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(diagnostics, "diagnostics is null");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sentinel-credential-relay");
            thread.setDaemon(true);
            return thread;
        });
        RemoteCredentialRelay relay =
                new RemoteCredentialRelay(http, executor, token, tvm, profile, session, diagnostics);
        http.createContext("/", relay::handle);
        http.setExecutor(executor);
        http.start();
        return relay;
    }

    /** The value for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + PATH);
    }

    /** The value for {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}: a secret for the child only. */
    public String token() {
        return tokenText;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RemoteCredentialRelay[" + uri() + " -> " + tvm + ", token=<redacted>]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("METHOD_NOT_ALLOWED", "Only GET is served."), null);
                return;
            }
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, error("NOT_FOUND", "Credentials are served at " + PATH + "."), null);
                return;
            }
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (!("127.0.0.1:" + port).equals(host) && !("localhost:" + port).equals(host)) {
                send(
                        exchange,
                        403,
                        error("FORBIDDEN_HOST", "The Host header does not name this loopback endpoint."),
                        null);
                return;
            }
            String presented = exchange.getRequestHeaders().getFirst("Authorization");
            if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII))) {
                send(
                        exchange,
                        401,
                        error("UNAUTHORIZED", "A valid AWS_CONTAINER_AUTHORIZATION_TOKEN is required."),
                        null);
                return;
            }
            TvmClient.Answer answer;
            try {
                answer = tvm.credentials(profile, session);
            } catch (SentinelException e) {
                diagnostics.accept("sentinel: " + e.code() + ": " + e.getMessage());
                send(exchange, e.code().httpStatus(), error(e.code().name(), e.getMessage()), null);
                return;
            }
            if (answer.status() != 200) {
                diagnostics.accept("sentinel: the credential server refused a refresh (HTTP " + answer.status() + "): "
                        + answer.body());
            }
            send(exchange, answer.status(), answer.body(), answer.retryAfter().orElse(null));
        }
    }

    private static String error(String code, String message) {
        return JsonWriter.object().field("code", code).field("message", message).close();
    }

    private static void send(HttpExchange exchange, int status, String json, String retryAfter) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
