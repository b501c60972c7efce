package dev.sentinel.tvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.ratelimit.InMemoryRateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.testing.RecordingCredentialIssuer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standalone front end: the same machine answered over real HTTP on a free port. */
class TvmHttpServerTest {
    private final TvmWorld world = new TvmWorld();
    private TvmHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        world.limiter = new InMemoryRateLimiter(new RequestRate(2, Duration.ofMinutes(1)));
        server = TvmHttpServer.start(world.tvm(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String caller) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (caller != null) {
            request.header(TvmWorld.CALLER_HEADER, caller);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesCredentialsAndErrorsWithTheirStatusAndHeaders() throws Exception {
        HttpResponse<String> issued = send("GET", "/credentials?profile=dev-role", TvmWorld.ALICE);
        HttpResponse<String> denied = send("GET", "/credentials?profile=prod-role", TvmWorld.ALICE);
        HttpResponse<String> limited = send("GET", "/credentials?profile=dev-role", TvmWorld.ALICE);

        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(issued.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(issued.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(issued.body()).contains(RecordingCredentialIssuer.ACCESS_KEY_ID);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("\"code\":\"POLICY_DENIED\"");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aMalformedQueryIsRefusedWithoutAuthenticating() throws Exception {
        String answer;
        try (java.net.Socket socket = new java.net.Socket(
                InetAddress.getLoopbackAddress(), server.uri().getPort())) {
            socket.getOutputStream()
                    .write(("GET /credentials?profile=%zz HTTP/1.1\r\nHost: x\r\n" + TvmWorld.CALLER_HEADER + ": "
                                    + TvmWorld.ALICE + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(world.authenticated).isEmpty();
    }

    @Test
    void sessionsOpenAndEndOverHttp() throws Exception {
        HttpResponse<String> opened = send("POST", "/sessions?profile=dev-role", TvmWorld.ALICE);
        String id =
                (String) dev.sentinel.json.JsonReader.parseObject(opened.body()).get("session");
        HttpResponse<String> ended = send("DELETE", "/sessions/" + id, TvmWorld.ALICE);

        assertThat(opened.statusCode()).isEqualTo(201);
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/nowhere", TvmWorld.ALICE).statusCode()).isEqualTo(404);
    }
}
