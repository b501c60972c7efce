package dev.sentinel.tvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the standalone server checks in an identity proof before it contacts STS, and what it believes
 * afterwards. STS is played by real HTTP servers on loopback that record every request they get, so a
 * refused proof can be shown to have reached nothing. (Against moto, the CLI's TVM tests.)
 */
class StsProofAuthenticatorTest {
    private static final String SERVER_ID = "tvm.example.com";
    private static final String ARN = "arn:aws:iam::123456789012:user/alice";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String SIGNED = "content-type;host;x-amz-date;x-amz-security-token;x-sentinel-server-id";

    private FakeSts sts;
    private FakeSts elsewhere;
    private final MutableClock clock = new MutableClock(NOW);

    /** An HTTP server standing in for STS, recording what it receives. */
    static final class FakeSts implements AutoCloseable {
        record Received(String method, String path, Map<String, List<String>> headers, String body) {}

        final HttpServer server;
        final List<Received> received = Collections.synchronizedList(new ArrayList<>());
        volatile int status = 200;
        volatile String answer = response(ARN);

        FakeSts() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            server.createContext("/", exchange -> {
                try (exchange) {
                    received.add(new Received(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().toString(),
                            Map.copyOf(exchange.getRequestHeaders()),
                            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status, bytes.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static String response(String arn) {
        return "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>AIDA</UserId><Account>123456789012</Account>"
                + "</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</GetCallerIdentityResponse>";
    }

    @BeforeEach
    void start() throws IOException {
        sts = new FakeSts();
        elsewhere = new FakeSts();
    }

    @AfterEach
    void stop() {
        sts.close();
        elsewhere.close();
    }

    private StsProofAuthenticator authenticator() {
        return new StsProofAuthenticator(sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock);
    }

    /** A proof shaped as the SDK signs one; the signature itself is STS's to check. */
    private static Map<String, String> headers(URI url, String serverId, String signed, Instant at) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", url.getHost() + ":" + url.getPort());
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        headers.put(
                "X-Amz-Date",
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(at.atOffset(ZoneOffset.UTC)));
        headers.put("X-Amz-Security-Token", "session-token");
        headers.put("X-Sentinel-Server-ID", serverId);
        headers.put(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=" + signed
                        + ", Signature=" + "0123456789abcdef".repeat(4));
        return headers;
    }

    private IdentityProof proof() {
        return proofSignedAt(NOW);
    }

    private IdentityProof proofSignedAt(Instant at) {
        return proofWith(headers(sts.uri(), SERVER_ID, SIGNED, at));
    }

    private IdentityProof proofWith(Map<String, String> headers) {
        return new IdentityProof("POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, headers);
    }

    private static TvmRequest carrying(IdentityProof proof) {
        return carrying(proof.encode());
    }

    private static TvmRequest carrying(String header) {
        return TvmRequest.of("GET", "/credentials", null, Map.of(IdentityProof.HEADER, List.of(header)), null);
    }

    private void refusedWithoutContact(ThrowingCallable call, String why) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(why)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(sts.received).as("STS was not contacted").isEmpty();
        assertThat(elsewhere.received).as("nothing else was contacted").isEmpty();
    }

    @Test
    void aValidProofIsForwardedWithOnlyItsSignedHeadersAndTheCallerIsWhoStsSays() {
        CallerIdentity caller = authenticator().authenticate(carrying(proof()));

        assertThat(caller.arn()).isEqualTo(ARN);
        assertThat(caller.user()).isEqualTo("alice");
        assertThat(sts.received).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/");
            assertThat(r.body()).isEqualTo(IdentityProof.GET_CALLER_IDENTITY_BODY);
            assertThat(r.headers().get("X-sentinel-server-id")).containsExactly(SERVER_ID);
            assertThat(r.headers().get("X-amz-security-token")).containsExactly("session-token");
            assertThat(r.headers().get("Authorization"))
                    .singleElement()
                    .asString()
                    .contains("Signature=");
        });
    }

    @Test
    void headersTheSignatureDoesNotCoverAreNotForwarded() {
        Map<String, String> headers = headers(sts.uri(), SERVER_ID, SIGNED, NOW);
        headers.put("X-Forwarded-For", "10.0.0.1");

        authenticator()
                .authenticate(carrying(new IdentityProof(
                        "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, headers)));

        assertThat(sts.received.get(0).headers()).doesNotContainKey("X-forwarded-for");
    }

    @Test
    void aProofForAnotherServerIsRefused() {
        IdentityProof other = new IdentityProof(
                "POST",
                sts.uri().toString(),
                IdentityProof.GET_CALLER_IDENTITY_BODY,
                headers(sts.uri(), "other.example.com", SIGNED, NOW));

        refusedWithoutContact(() -> authenticator().authenticate(carrying(other)), "not for this one");
    }

    @Test
    void aServerIdTheSignatureDoesNotCoverIsRefused() {
        IdentityProof unsigned = new IdentityProof(
                "POST",
                sts.uri().toString(),
                IdentityProof.GET_CALLER_IDENTITY_BODY,
                headers(sts.uri(), SERVER_ID, "content-type;host;x-amz-date;x-amz-security-token", NOW));

        refusedWithoutContact(
                () -> authenticator().authenticate(carrying(unsigned)), "does not cover the x-sentinel-server-id");
    }

    @Test
    void aProofSignedForAnotherUrlIsRefusedAndNothingIsContacted() {
        for (String url : List.of(
                elsewhere.uri().toString(),
                "http://169.254.169.254/latest/meta-data/",
                sts.uri().toString().replace("http:", "https:"),
                sts.uri() + "?Action=GetCallerIdentity",
                sts.uri() + "other",
                "http://user@" + sts.uri().getAuthority() + "/",
                "not a url")) {
            IdentityProof aimed = new IdentityProof(
                    "POST", url, IdentityProof.GET_CALLER_IDENTITY_BODY, headers(sts.uri(), SERVER_ID, SIGNED, NOW));

            refusedWithoutContact(() -> authenticator().authenticate(carrying(aimed)), "proof was not accepted");
        }
    }

    @Test
    void aTamperedBodyOrMethodIsRefused() {
        for (String body : List.of(
                "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/admin",
                "Action=GetCallerIdentity&Version=2011-06-15&Extra=1",
                "")) {
            IdentityProof tampered =
                    new IdentityProof("POST", sts.uri().toString(), body, headers(sts.uri(), SERVER_ID, SIGNED, NOW));
            refusedWithoutContact(
                    () -> authenticator().authenticate(carrying(tampered)), "exactly STS GetCallerIdentity");
        }
        IdentityProof get = new IdentityProof(
                "GET",
                sts.uri().toString(),
                IdentityProof.GET_CALLER_IDENTITY_BODY,
                headers(sts.uri(), SERVER_ID, SIGNED, NOW));
        refusedWithoutContact(() -> authenticator().authenticate(carrying(get)), "must be a POST");
    }

    @Test
    void aSignatureForAnotherServiceOrWithoutAllItsHeadersIsRefused() {
        Map<String, String> iam = headers(sts.uri(), SERVER_ID, SIGNED, NOW);
        iam.put("Authorization", iam.get("Authorization").replace("/sts/", "/iam/"));
        refusedWithoutContact(
                () -> authenticator()
                        .authenticate(carrying(new IdentityProof(
                                "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, iam))),
                "not for STS");

        Map<String, String> missing = headers(sts.uri(), SERVER_ID, SIGNED + ";x-amz-content-sha256", NOW);
        refusedWithoutContact(
                () -> authenticator()
                        .authenticate(carrying(new IdentityProof(
                                "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, missing))),
                "x-amz-content-sha256 is missing");

        Map<String, String> garbled = headers(sts.uri(), SERVER_ID, SIGNED, NOW);
        garbled.put("Authorization", "Bearer abc");
        refusedWithoutContact(
                () -> authenticator()
                        .authenticate(carrying(new IdentityProof(
                                "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, garbled))),
                "not an AWS SigV4 signature");

        Map<String, String> connection = headers(sts.uri(), SERVER_ID, SIGNED + ";connection", NOW);
        connection.put("Connection", "close");
        refusedWithoutContact(
                () -> authenticator()
                        .authenticate(carrying(new IdentityProof(
                                "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, connection))),
                "cannot be forwarded");
    }

    @Test
    void aSignedHeaderTheHttpClientCannotSendIsRefused() {
        Map<String, String> headers = headers(sts.uri(), SERVER_ID, SIGNED + ";x-extra", NOW);
        headers.put("X-Extra", "line\u2028separator");

        refusedWithoutContact(
                () -> authenticator()
                        .authenticate(carrying(new IdentityProof(
                                "POST", sts.uri().toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, headers))),
                "x-extra cannot be forwarded");
    }

    @Test
    void aStaleProofIsRefused() {
        IdentityProof old = new IdentityProof(
                "POST",
                sts.uri().toString(),
                IdentityProof.GET_CALLER_IDENTITY_BODY,
                headers(sts.uri(), SERVER_ID, SIGNED, NOW.minus(Duration.ofMinutes(6))));

        refusedWithoutContact(() -> authenticator().authenticate(carrying(old)), "6 minutes");
        clock.set(NOW.minus(Duration.ofMinutes(5)));
        assertThat(authenticator().authenticate(carrying(old)).arn()).isEqualTo(ARN);
    }

    @Test
    void aMissingOrMalformedHeaderIsRefused() {
        refusedWithoutContact(
                () -> authenticator().authenticate(TvmRequest.of("GET", "/credentials", null, Map.of(), null)),
                "carries no X-Sentinel-Identity");
        refusedWithoutContact(() -> authenticator().authenticate(carrying("%%%")), "not a well-formed identity proof");
    }

    @Test
    void aProofStsRejectsIsRefused() {
        sts.status = 403;
        sts.answer = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>";

        assertThatThrownBy(() -> authenticator().authenticate(carrying(proof())))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("AWS STS rejected")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void stsThatCannotBeReachedIsAnAwsErrorNotAnAuthentication() {
        URI down = sts.uri();
        sts.close();

        assertThatThrownBy(
                        () -> new StsProofAuthenticator(down, SERVER_ID, StsProofAuthenticator.defaultClient(), clock)
                                .authenticate(carrying(proof())))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AWS_UNREACHABLE);
    }

    @Test
    void anAnswerWithADoctypeIsNeverParsedForEntities() {
        sts.answer = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>&x;</Arn></GetCallerIdentityResult>"
                + "</GetCallerIdentityResponse>";

        assertThatThrownBy(() -> authenticator().authenticate(carrying(proof())))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AWS_ERROR);
    }

    @Test
    void anIdentityNoUserCanBeDerivedFromIsRefused() {
        sts.answer = response("arn:aws:sts::123456789012:assumed-role/only-a-role");

        assertThatThrownBy(() -> authenticator().authenticate(carrying(proof())))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void theEndpointMustBeAPlainHttpUrl() {
        assertThatThrownBy(() -> new StsProofAuthenticator(
                        URI.create("ftp://sts.amazonaws.com/"),
                        SERVER_ID,
                        StsProofAuthenticator.defaultClient(),
                        clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StsProofAuthenticator(
                        URI.create("https://sts.amazonaws.com/"), " ", StsProofAuthenticator.defaultClient(), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void refusedBySts(StsProofAuthenticator authenticator, IdentityProof proof) {
        assertThatThrownBy(() -> authenticator.authenticate(carrying(proof)))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("AWS STS rejected")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void aProofStsRejectedIsNotRememberedAndAskingAgainAsksStsAgain() {
        StsProofAuthenticator authenticator = authenticator();
        sts.status = 403;
        sts.answer = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>";

        refusedBySts(authenticator, proof());
        refusedBySts(authenticator, proof());

        assertThat(sts.received).hasSize(2);
        assertThat(authenticator.verifiedProofs()).isZero();
    }

    @Test
    void aRememberedSignatureWithAnyForwardedHeaderAlteredIsNotTakenFromMemory() {
        StsProofAuthenticator authenticator = authenticator();
        authenticator.authenticate(carrying(proof()));
        sts.status = 403;
        sts.answer = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>";

        refusedBySts(authenticator, proofSignedAt(NOW.plusSeconds(1)));
        Map<String, String> otherToken = headers(sts.uri(), SERVER_ID, SIGNED, NOW);
        otherToken.put("X-Amz-Security-Token", "another-session-token");
        refusedBySts(authenticator, proofWith(otherToken));
        assertThat(sts.received)
                .as("both went to STS with the same Authorization")
                .hasSize(3);
        assertThat(sts.received)
                .extracting(r -> r.headers().get("Authorization"))
                .containsOnly(List.of(headers(sts.uri(), SERVER_ID, SIGNED, NOW).get("Authorization")));

        IdentityProof otherServer = proofWith(headers(sts.uri(), "other.example.com", SIGNED, NOW));
        assertThatThrownBy(() -> authenticator.authenticate(carrying(otherServer)))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("not for this one");
        assertThat(sts.received).hasSize(3);
    }

    @Test
    void aRememberedProofIsRefusedOnceItsValidityEnds() {
        StsProofAuthenticator authenticator = authenticator();
        authenticator.authenticate(carrying(proof()));

        clock.set(NOW.plus(StsProofAuthenticator.MAX_AGE).plusSeconds(1));

        assertThatThrownBy(() -> authenticator.authenticate(carrying(proof())))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("at most 5 allowed")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThatThrownBy(() -> authenticator().authenticate(carrying(proof())))
                .as("never remembered")
                .hasMessageContaining("at most 5 allowed");
        assertThat(sts.received).hasSize(1);
    }

    @Test
    void aRememberedAnswerIsNotUsedAtTheInstantTheProofStopsBeingAcceptable() {
        StsProofAuthenticator authenticator = authenticator();
        authenticator.authenticate(carrying(proof()));

        clock.set(NOW.plus(StsProofAuthenticator.MAX_AGE));

        assertThat(authenticator.authenticate(carrying(proof())).arn()).isEqualTo(ARN);
        assertThat(sts.received).as("asked again, not answered from memory").hasSize(2);
    }

    @Test
    void atMostTheBoundIsRemembered() {
        StsProofAuthenticator authenticator =
                new StsProofAuthenticator(sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock, null, 3);

        for (int i = 0; i < 10; i++) {
            authenticator.authenticate(carrying(proofSignedAt(NOW.plusSeconds(i))));
            assertThat(authenticator.verifiedProofs()).isBetween(1, 3);
        }

        assertThat(sts.received).hasSize(10);
        assertThatThrownBy(() -> new StsProofAuthenticator(
                        sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenFullExpiredProofsAreDroppedFirstAndOtherwiseAll() {
        StsProofAuthenticator authenticator =
                new StsProofAuthenticator(sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock, null, 3);
        IdentityProof older = proofSignedAt(NOW.minus(Duration.ofMinutes(4)));
        IdentityProof kept = proofSignedAt(NOW);
        authenticator.authenticate(carrying(older));
        authenticator.authenticate(carrying(kept));
        authenticator.authenticate(carrying(proofSignedAt(NOW.plusSeconds(1))));
        clock.set(NOW.plus(Duration.ofMinutes(1)));

        authenticator.authenticate(carrying(proofSignedAt(NOW.plus(Duration.ofMinutes(1)))));
        authenticator.authenticate(carrying(kept));

        assertThat(sts.received).as("the unexpired proof was still remembered").hasSize(4);
        assertThat(authenticator.verifiedProofs()).isEqualTo(3);

        authenticator.authenticate(carrying(proofSignedAt(NOW.plusSeconds(2))));
        assertThat(authenticator.verifiedProofs())
                .as("none had expired: all dropped")
                .isEqualTo(1);
        authenticator.authenticate(carrying(kept));
        assertThat(sts.received).hasSize(6);
    }

    @Test
    void theSameProofTwiceAsksStsOnceAndTheAnswerFromMemoryIsNotStsTime() {
        TvmTimings timings = new TvmTimings();
        StsProofAuthenticator authenticator =
                new StsProofAuthenticator(sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock, timings);
        IdentityProof proof = proof();

        CallerIdentity first = authenticator.authenticate(carrying(proof));
        timings.begin();
        CallerIdentity second = authenticator.authenticate(carrying(proof));
        timings.end(1_000_000L);

        assertThat(sts.received).hasSize(1);
        assertThat(second).isEqualTo(first);
        assertThat(second.arn()).isEqualTo(ARN);
        assertThat(timings.report())
                .contains("requests timed: 1")
                .containsPattern("waiting for STS: +p50 +0\\.000 .* max +0\\.000 ms");
    }

    @Test
    void manyHandlerThreadsShareTheMemoryWithinItsBound() throws Exception {
        StsProofAuthenticator authenticator =
                new StsProofAuthenticator(sts.uri(), SERVER_ID, StsProofAuthenticator.defaultClient(), clock, null, 16);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<CallerIdentity>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                IdentityProof proof = proofSignedAt(NOW.plusSeconds(i % 40));
                answers.add(threads.submit(() -> authenticator.authenticate(carrying(proof))));
            }
            for (Future<CallerIdentity> answer : answers) {
                assertThat(answer.get().arn()).isEqualTo(ARN);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(authenticator.verifiedProofs()).isBetween(1, 16);
        assertThat(sts.received).hasSizeBetween(40, 200);
    }
}
