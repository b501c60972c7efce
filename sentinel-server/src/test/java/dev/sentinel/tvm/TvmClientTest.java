package dev.sentinel.tvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.IdentityProver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TvmClientTest {
    private final TvmWorld world = new TvmWorld();
    private TvmHttpServer server;

    @BeforeEach
    void start() throws Exception {
        world.proofServerId = "127.0.0.1";
        server = TvmHttpServer.start(world.tvm(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TvmClient client(String caller) {
        return new TvmClient(server.uri(), TvmWorld.prover(caller), TvmClient.defaultClient());
    }

    private static void code(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    /** A prover for {@code caller} that counts its proofs; the first {@code stale} of them name another server. */
    private static IdentityProver counting(String caller, AtomicInteger signed, int stale) {
        IdentityProver prover = TvmWorld.prover(caller);
        return serverId -> prover.prove(signed.incrementAndGet() <= stale ? "stale.example.com" : serverId);
    }

    @Test
    void aProofIsSentAgainForAMinuteThenSignedAgain() {
        AtomicInteger signed = new AtomicInteger();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
        TvmClient client =
                new TvmClient(server.uri(), counting(TvmWorld.ALICE, signed, 0), clock, TvmClient.defaultClient());
        ProfileName profile = new ProfileName("tracked-role");
        RequestId session = client.openSession(profile);

        client.credentials(profile, session);
        clock.advance(TvmClient.PROOF_REUSE.minusSeconds(1));
        client.credentials(profile, session);
        assertThat(signed).hasValue(1);
        assertThat(world.authenticated)
                .extracting(r -> r.header(IdentityProof.HEADER).orElseThrow())
                .hasSize(3)
                .containsOnly(
                        world.authenticated.get(0).header(IdentityProof.HEADER).orElseThrow());

        clock.advance(Duration.ofSeconds(1));
        assertThat(client.credentials(profile, session).status()).isEqualTo(200);
        assertThat(signed).hasValue(2);
    }

    @Test
    void aKeptProofTheServerRefusesIsSignedAgainAndTriedOnceMore() {
        AtomicInteger signed = new AtomicInteger();
        TvmClient client = new TvmClient(
                server.uri(), counting(TvmWorld.ALICE, signed, 1), Clock.systemUTC(), TvmClient.defaultClient());

        TvmClient.Answer answer = client.credentials(new ProfileName("dev-role"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(signed).hasValue(2);
        assertThat(world.authenticated).hasSize(2);
    }

    @Test
    void aRefusedFreshProofIsTriedOnlyOnceMoreAndTheRefusalPassedOn() {
        AtomicInteger signed = new AtomicInteger();
        TvmClient client = new TvmClient(
                server.uri(), counting(TvmWorld.ALICE, signed, 99), Clock.systemUTC(), TvmClient.defaultClient());

        TvmClient.Answer answer = client.credentials(new ProfileName("dev-role"), null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).contains("UNAUTHENTICATED");
        assertThat(signed).hasValue(2);
        assertThat(world.authenticated).hasSize(2);
    }

    @Test
    void opensUsesAndEndsASessionWithProofsForThisServer() {
        TvmClient client = client(TvmWorld.ALICE);

        RequestId session = client.openSession(new ProfileName("tracked-role"));
        TvmClient.Answer answer = client.credentials(new ProfileName("tracked-role"), session);
        client.endSession(session);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(world.sessions.get(session).orElseThrow().requestCount()).isEqualTo(1);
        assertThat(world.authenticated).hasSize(3);
        assertThat(TvmClient.serverId(URI.create("https://TVM.Example.com:8443/base")))
                .isEqualTo("tvm.example.com");
    }

    @Test
    void anAuthenticationSignsTheVeryRequestThatIsSent() {
        world.proofServerId = null;
        List<String> signed = Collections.synchronizedList(new ArrayList<>());
        TvmClient client = new TvmClient(
                server.uri(),
                (method, url) -> {
                    signed.add(method + " " + url);
                    return Map.of(TvmWorld.CALLER_HEADER, TvmWorld.ALICE);
                },
                TvmClient.defaultClient());

        RequestId session = client.openSession(new ProfileName("dev-role"));
        client.credentials(new ProfileName("dev-role"), session);
        client.endSession(session);

        assertThat(signed)
                .containsExactly(
                        "POST " + server.uri() + "/sessions?profile=dev-role",
                        "GET " + server.uri() + "/credentials?profile=dev-role",
                        "DELETE " + server.uri() + "/sessions/" + session.value());
        assertThat(world.authenticated).extracting(TvmRequest::method).containsExactly("POST", "GET", "DELETE");
    }

    @Test
    void aRefusalBecomesTheServersErrorCode() {
        code(() -> client(TvmWorld.ALICE).openSession(new ProfileName("prod-role")), ErrorCode.POLICY_DENIED);
        code(() -> client(TvmWorld.ALICE).openSession(new ProfileName("nope")), ErrorCode.PROFILE_NOT_REGISTERED);
        code(() -> client(TvmWorld.ALICE).endSession(RequestId.random()), ErrorCode.SESSION_NOT_FOUND);
    }

    @Test
    void credentialsAreNeverFetchedOverPlainHttpFromAnotherMachine() {
        code(
                () -> new TvmClient(
                        URI.create("http://tvm.example.com"), TvmWorld.prover("x"), TvmClient.defaultClient()),
                ErrorCode.USAGE);
        code(
                () -> new TvmClient(
                        URI.create("https://tvm.example.com/?a=b"), TvmWorld.prover("x"), TvmClient.defaultClient()),
                ErrorCode.USAGE);
        assertThat(new TvmClient(URI.create("http://localhost:1"), TvmWorld.prover("x"), TvmClient.defaultClient()))
                .isNotNull();
        assertThat(new TvmClient(URI.create("http://[::1]:1"), TvmWorld.prover("x"), TvmClient.defaultClient()))
                .isNotNull();
    }

    @Test
    void aRedirectIsNotFollowedSoAProofNeverReachesAnotherHost() throws Exception {
        List<String> proofsElsewhere = Collections.synchronizedList(new ArrayList<>());
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        elsewhere.createContext("/", exchange -> {
            try (exchange) {
                proofsElsewhere.add(exchange.getRequestHeaders().getFirst(IdentityProof.HEADER));
                exchange.sendResponseHeaders(500, -1);
            }
        });
        elsewhere.start();
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        redirecting.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders()
                        .set(
                                "Location",
                                "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/sessions");
                byte[] html = "<html>moved</html>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(307, html.length);
                exchange.getResponseBody().write(html);
            }
        });
        redirecting.start();
        try {
            TvmClient client = new TvmClient(
                    URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort()),
                    TvmWorld.prover(TvmWorld.ALICE),
                    TvmClient.defaultClient());

            code(() -> client.openSession(new ProfileName("dev-role")), ErrorCode.REMOTE_SERVER_UNREACHABLE);
            assertThat(proofsElsewhere).isEmpty();
        } finally {
            redirecting.stop(0);
            elsewhere.stop(0);
        }
    }

    @Test
    void aServerThatIsDownIsUnreachable() {
        URI down = server.uri();
        server.close();

        code(
                () -> new TvmClient(down, TvmWorld.prover(TvmWorld.ALICE), TvmClient.defaultClient())
                        .credentials(new ProfileName("dev-role"), null),
                ErrorCode.REMOTE_SERVER_UNREACHABLE);
    }
}
