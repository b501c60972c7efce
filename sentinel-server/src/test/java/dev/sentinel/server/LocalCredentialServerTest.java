package dev.sentinel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.gate.Gate;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.RecordingAuditSink;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalCredentialServerTest {
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<IssueRequest> issued = new ArrayList<>();
    private final AtomicReference<String> policy =
            new AtomicReference<>("version: \"1\"\nrules:\n  - name: server-only\n    effect: require_server\n");
    private LocalCredentialServer server;

    @BeforeEach
    void start() throws IOException {
        Gate gate = new Gate(
                profile -> CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice"),
                profile -> LoadedPolicy.parse("test.yaml", policy.get()),
                request -> {
                    issued.add(request);
                    return new IssuedCredentials(
                            new AwsCredentials("ASIAX", "secret-x", "token-x", Instant.parse("2026-11-22T10:15:00Z")),
                            request.sourceIdentity(),
                            "arn:aws:iam::123456789012:role/r",
                            false);
                },
                audit,
                Clock.systemUTC(),
                RequestId::random);
        server = LocalCredentialServer.start(gate, new ProfileName("prod"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Response(int status, String body) {}

    private Response get(String path, Map<String, String> headers, String method) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri().resolve(path).toURL().openConnection();
        connection.setRequestMethod(method);
        headers.forEach(connection::setRequestProperty);
        int status = connection.getResponseCode();
        var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        return new Response(status, stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void servesCredentialsInTheContainerFormatWithTheToken() throws IOException {
        Response response = get("/credentials", Map.of("Authorization", server.token()), "GET");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("{\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"secret-x\",\"Token\":\"token-x\","
                        + "\"Expiration\":\"2026-11-22T10:15:00Z\"}");
        assertThat(issued).singleElement().extracting(IssueRequest::maxDuration).isEqualTo(Duration.ofMinutes(15));
        assertThat(audit.entries).singleElement().satisfies(e -> assertThat(e.mode())
                .isEqualTo("server"));
    }

    @Test
    void refusesAMissingOrWrongToken() throws IOException {
        assertThat(get("/credentials", Map.of(), "GET").status()).isEqualTo(401);
        Response wrong = get("/credentials", Map.of("Authorization", server.token() + "x"), "GET");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"code\":\"UNAUTHORIZED\"").doesNotContain(server.token());
        assertThat(issued).isEmpty();
    }

    @Test
    void refusesAForeignHostHeader() throws IOException {
        int port = server.uri().getPort();
        // HttpURLConnection does not let a caller set Host, so speak HTTP over a socket as a rebinding page would.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET /credentials HTTP/1.1\r\nHost: evil.example:" + port + "\r\nAuthorization: "
                                    + server.token() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 403").contains("FORBIDDEN_HOST");
        }
        assertThat(issued).isEmpty();
    }

    @Test
    void onlyGetOnTheCredentialsPath() throws IOException {
        assertThat(get("/credentials", Map.of("Authorization", server.token()), "POST")
                        .status())
                .isEqualTo(405);
        assertThat(get("/other", Map.of("Authorization", server.token()), "GET").status())
                .isEqualTo(404);
    }

    @Test
    void reevaluatesThePolicyOnEveryRefresh() throws IOException {
        assertThat(get("/credentials", Map.of("Authorization", server.token()), "GET")
                        .status())
                .isEqualTo(200);
        policy.set("version: \"1\"\nrules:\n  - name: closed\n    effect: deny\n    reason: revoked\n");
        Response refused = get("/credentials", Map.of("Authorization", server.token()), "GET");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("\"code\":\"POLICY_DENIED\"", "revoked");
        assertThat(issued).hasSize(1);
    }

    @Test
    void listensOnLoopbackOnlyAndKeepsTheTokenOutOfToString() {
        assertThat(server.uri())
                .isEqualTo(URI.create("http://127.0.0.1:" + server.uri().getPort() + "/credentials"));
        assertThat(server.toString()).doesNotContain(server.token());
        assertThat(server.token()).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void answersWithoutWaitingForTheClientsDelayedAck() throws IOException {
        // Regression: with Nagle's algorithm on, every response on a kept-alive connection took 40 ms or more.
        get("/credentials", Map.of("Authorization", server.token()), "GET");
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            assertThat(get("/credentials", Map.of("Authorization", server.token()), "GET")
                            .status())
                    .isEqualTo(200);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        assertThat(millis[millis.length / 2]).as("median milliseconds").isLessThan(30);
    }

    @Test
    void maxServerDurationOverridesTheDefault() throws IOException {
        policy.set("version: \"1\"\nrules:\n  - name: s\n    effect: allow\n    max_server_duration: 30m\n");
        assertThat(get("/credentials", Map.of("Authorization", server.token()), "GET")
                        .status())
                .isEqualTo(200);
        assertThat(issued).singleElement().extracting(IssueRequest::maxDuration).isEqualTo(Duration.ofMinutes(30));
    }
}
