package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
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

/**
 * The local credentials endpoint of {@code sentinel exec --server} (DESIGN.md 4.5): the AWS SDKs'
 * container-credentials protocol ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} plus
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}) on 127.0.0.1 only. Every request must carry the per-run
 * token (compared in constant time) and a Host header naming this address (no DNS rebinding), and every
 * request goes through the gate again in mode {@code server}, so a policy change takes effect at the
 * child's next refresh. Errors are {@code {"code","message"}} with the status of the error's category.
 */
public final class LocalCredentialServer implements AutoCloseable {
    public static final String PATH = "/credentials";

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final String tokenText;
    private final Gate gate;
    private final ProfileName profile;
    private final RequestId session;
    private final int port;

    private LocalCredentialServer(
            HttpServer server,
            ExecutorService executor,
            String token,
            Gate gate,
            ProfileName profile,
            RequestId session) {
        this.server = server;
        this.executor = executor;
        this.tokenText = token;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.gate = gate;
        this.profile = profile;
        this.session = session;
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
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sentinel-credential-server");
            thread.setDaemon(true);
            return thread;
        });
        LocalCredentialServer server = new LocalCredentialServer(http, executor, token, gate, profile, session);
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
        return tokenText;
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
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("METHOD_NOT_ALLOWED", "Only GET is served."));
                return;
            }
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, error("NOT_FOUND", "Credentials are served at " + PATH + "."));
                return;
            }
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (!("127.0.0.1:" + port).equals(host) && !("localhost:" + port).equals(host)) {
                send(exchange, 403, error("FORBIDDEN_HOST", "The Host header does not name this loopback endpoint."));
                return;
            }
            String presented = exchange.getRequestHeaders().getFirst("Authorization");
            if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII))) {
                send(exchange, 401, error("UNAUTHORIZED", "A valid AWS_CONTAINER_AUTHORIZATION_TOKEN is required."));
                return;
            }
            Outcome outcome = gate.request(
                    session == null
                            ? new AccessRequest(profile, Mode.SERVER, null)
                            : AccessRequest.inSession(profile, session));
            if (outcome instanceof Outcome.Issued issued) {
                send(exchange, 200, body(issued.credentials().credentials()));
            } else {
                Outcome.Refused refused = (Outcome.Refused) outcome;
                send(
                        exchange,
                        refused.code().category().httpStatus(),
                        error(
                                refused.code().name(),
                                refused.message() + " (decision id "
                                        + refused.decisionId().value() + ")"));
            }
        }
    }

    static String body(AwsCredentials credentials) {
        return JsonWriter.object()
                .field("AccessKeyId", credentials.accessKeyId())
                .field("SecretAccessKey", credentials.secretAccessKey())
                .field("Token", credentials.sessionToken())
                .field("Expiration", credentials.expiration().toString())
                .close();
    }

    private static String error(String code, String message) {
        return JsonWriter.object().field("code", code).field("message", message).close();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
