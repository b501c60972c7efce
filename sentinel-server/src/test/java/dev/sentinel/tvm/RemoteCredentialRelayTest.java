package dev.sentinel.tvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.server.RemoteCredentialRelay;
import dev.sentinel.testing.RecordingCredentialIssuer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The child's side of {@code exec --remote-server}: a loopback endpoint that relays every refresh to a
 * token vending machine over real HTTP and passes its answers through.
 */
class RemoteCredentialRelayTest {
    private final TvmWorld world = new TvmWorld();
    private final List<String> diagnostics = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newHttpClient();
    private TvmHttpServer server;
    private RemoteCredentialRelay relay;

    @BeforeEach
    void start() throws Exception {
        world.proofServerId = "127.0.0.1";
        server = TvmHttpServer.start(world.tvm(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        server.close();
    }

    private TvmClient client() {
        return new TvmClient(server.uri(), TvmWorld.prover(TvmWorld.ALICE), TvmClient.defaultClient());
    }

    private RemoteCredentialRelay relay(String profile, RequestId session) throws Exception {
        relay = RemoteCredentialRelay.start(client(), new ProfileName(profile), session, diagnostics::add);
        return relay;
    }

    private HttpResponse<String> child(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(relay.uri());
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void relaysTheServersCredentialsToAChildWithTheToken() throws Exception {
        relay("dev-role", null);

        HttpResponse<String> response = child(relay.token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(RecordingCredentialIssuer.ACCESS_KEY_ID, "\"Token\"");
        assertThat(world.authenticated).singleElement().satisfies(request -> assertThat(
                        request.header(IdentityProof.HEADER))
                .isPresent());
        assertThat(relay.toString()).doesNotContain(relay.token());
    }

    @Test
    void refusesAChildWithoutTheTokenOrWithAForeignHost() throws Exception {
        relay("dev-role", null);

        assertThat(child(null).statusCode()).isEqualTo(401);
        assertThat(child(relay.token() + "x").statusCode()).isEqualTo(401);
        assertThat(rawRequest("evil.example.com:" + relay.uri().getPort(), relay.token()))
                .startsWith("HTTP/1.1 403");
        assertThat(world.authenticated).isEmpty();
    }

    /** A request with a Host header of our choosing, which java.net.http does not allow. */
    private String rawRequest(String host, String token) throws Exception {
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), relay.uri().getPort())) {
            socket.getOutputStream()
                    .write(("GET /credentials HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + token
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void passesARefusalThroughUnchanged() throws Exception {
        relay("prod-role", null);

        HttpResponse<String> response = child(relay.token());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).startsWith("{\"code\":\"POLICY_DENIED\"").contains("production is closed today");
        assertThat(diagnostics).anySatisfy(line -> assertThat(line).contains("POLICY_DENIED"));
    }

    @Test
    void aRefreshInARevokedSessionIsRefused() throws Exception {
        RequestId session = client().openSession(new ProfileName("tracked-role"));
        relay("tracked-role", session);
        assertThat(child(relay.token()).statusCode()).isEqualTo(200);

        world.sessions.revoke(session, "bob", "laptop stolen", world.clock.instant());
        HttpResponse<String> refused = child(relay.token());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("SESSION_REVOKED", "laptop stolen");
    }

    @Test
    void anUnreachableServerIsA502ForTheChild() throws Exception {
        relay("dev-role", null);
        server.close();

        HttpResponse<String> response = child(relay.token());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("REMOTE_SERVER_UNREACHABLE");
    }

    @Test
    void onlyGetOnTheCredentialsPathIsServed() throws Exception {
        relay("dev-role", null);

        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(relay.uri())
                        .header("Authorization", relay.token())
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + relay.uri().getPort() + "/other"))
                        .header("Authorization", relay.token())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(world.authenticated).isEmpty();
    }
}
