package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.StsIdentityProver;
import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.json.JsonReader;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.ratelimit.RequestRate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The standalone token vending machine as {@code sentinel tvm serve} wires it, over real HTTP, against the
 * AWS emulator: the server's own credentials are one moto IAM user, the callers are others whose keys sign
 * their identity proofs, and moto's STS answers the forwarded GetCallerIdentity with the caller's ARN.
 * (moto does not check SigV4 signatures, so a forged signature is STS's to catch, not shown here; every
 * check the server makes itself is.)
 */
class TvmEndToEndTest {
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;
    private String alice;
    private String bob;
    private String devRole;
    private TvmWiring.Running tvm;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void seed() throws IOException {
        String suffix = Long.toString(System.nanoTime(), 36);
        alice = "alice-" + suffix;
        bob = "bob-" + suffix;
        devRole = "app-dev-" + suffix;
        world = new CliWorld(dir, moto.endpoint())
                .user("tvm-" + suffix)
                .user(alice)
                .user(bob)
                .config("[profile tvm]\nregion = us-east-1\n\n")
                .roleProfile("dev-role", devRole, alice)
                .roleProfile("tracked-role", "app-tracked-" + suffix, alice);
        world.env.put("TVM_PROFILE", "tvm-" + suffix);
        Files.writeString(
                dir.resolve("profiles.yaml"),
                """
                version: "1"
                profiles:
                  dev-role:
                    role_arn: %s
                  tracked-role:
                    role_arn: %s
                  prod-role:
                    role_arn: arn:aws:iam::123456789012:role/app-prod
                  admin-role:
                    role_arn: arn:aws:iam::123456789012:role/app-admin
                  unmatched-role:
                    role_arn: arn:aws:iam::123456789012:role/app-unmatched
                """
                        .formatted(CliWorld.roleArn(devRole), CliWorld.roleArn("app-tracked-" + suffix)));
        world.policy(
                "default",
                """
                version: "1"
                rules:
                  - name: team-on-dev
                    effect: allow
                    conditions:
                      profiles: [dev-role]
                      users: [%1$s, %2$s]
                  - name: tracked
                    effect: require_server_session
                    conditions:
                      profiles: [tracked-role]
                      users: [%1$s, %2$s]
                  - name: prod-closed
                    effect: deny
                    conditions:
                      profiles: [prod-role]
                    reason: production is closed today
                  - name: admin-approval
                    effect: require_approval
                    conditions:
                      profiles: [admin-role]
                """
                        .formatted(alice, bob));
    }

    @AfterEach
    void stop() {
        if (tvm != null) {
            tvm.close();
        }
    }

    private void serve(RequestRate rate) throws IOException {
        Platform platform = new Platform(
                world.env,
                System.out,
                new java.io.PrintStream(OutputStreamSink.INSTANCE),
                Clock.systemUTC(),
                dir,
                false);
        tvm = TvmWiring.start(
                platform,
                new TvmWiring.Options(
                        dir.resolve("profiles.yaml"),
                        "127.0.0.1",
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        null,
                        world.env.get("TVM_PROFILE"),
                        rate,
                        null));
    }

    /** Discards the server's diagnostics; they are checked in the server module's tests. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}
    }

    private IdentityProof proof(String caller, String serverId) {
        return StsIdentityProver.forProfile(
                        new AwsProfiles(new AwsEnvironment(world.env, dir)), new ProfileName(caller), Clock.systemUTC())
                .prove(serverId);
    }

    private HttpResponse<String> call(
            String method, String pathAndQuery, IdentityProof proof, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(tvm.server().uri() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (proof != null) {
            request.header(IdentityProof.HEADER, proof.encode());
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> credentials(String profile, String caller) throws Exception {
        return call("GET", "/credentials?profile=" + profile, proof(caller, "127.0.0.1"), Map.of());
    }

    /** An error answer with exactly {code, message} and none of the server's internals. */
    private static void refused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JsonReader.parseObject(response.body()))
                .containsOnlyKeys("code", "message")
                .containsEntry("code", code);
        assertThat(response.body()).doesNotContain(":role/", "Exception", "127.0.0.1:", "moto", "at dev.sentinel");
    }

    private static String arnOf(Map<String, Object> credentials) {
        return StsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        (String) credentials.get("AccessKeyId"), (String) credentials.get("SecretAccessKey"), (String)
                                credentials.get("Token"))))
                .build()
                .getCallerIdentity()
                .arn();
    }

    @Test
    void anAllowedCallerGetsCredentialsWhoseSourceIdentityNamesThem() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));

        HttpResponse<String> response = credentials("dev-role", alice);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> body = JsonReader.parseObject(response.body());
        assertThat(body).containsOnlyKeys("AccessKeyId", "SecretAccessKey", "Token", "Expiration");
        assertThat(arnOf(body))
                .startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel." + alice + ".d.");
        assertThat(world.logLines()).singleElement().satisfies(line -> assertThat(line)
                .contains(
                        "\"outcome\":\"issued\"",
                        "\"mode\":\"server\"",
                        "\"principal_arn\":\"arn:aws:iam::123456789012:user/" + alice + "\"",
                        "\"source_identity\":\"sentinel." + alice + ".d.")
                .doesNotContain((String) body.get("SecretAccessKey")));
        assertThat(world.sentinel("audit", "verify-logs").exit()).isZero();
    }

    @Test
    void deniedUnmatchedAndApprovalProfilesAreRefusedAndNothingIsIssued() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));

        HttpResponse<String> denied = credentials("prod-role", alice);
        refused(denied, 403, "POLICY_DENIED");
        assertThat(denied.body()).contains("production is closed today", "decision id");
        refused(credentials("unmatched-role", alice), 403, "POLICY_NO_MATCH");
        refused(credentials("admin-role", alice), 403, "APPROVAL_REQUIRED");

        assertThat(world.logLines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains("\"outcome\":\"refused\""));
    }

    @Test
    void onlyRegisteredProfileNamesAreServedNeverARoleArn() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));

        refused(credentials("other-role", alice), 404, "PROFILE_NOT_REGISTERED");
        refused(credentials(java.net.URLEncoder.encode(CliWorld.roleArn(devRole), "UTF-8"), alice), 400, "USAGE");
        assertThat(world.logLines()).isEmpty();
    }

    @Test
    void proofsThatAreNotForThisServerOrNotExactlyGetCallerIdentityAreRefused() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));
        List<String> elsewhere = Collections.synchronizedList(new ArrayList<>());
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        other.createContext("/", exchange -> {
            try (exchange) {
                elsewhere.add(exchange.getRequestURI().toString());
                exchange.sendResponseHeaders(500, -1);
            }
        });
        other.start();
        try {
            IdentityProof good = proof(alice, "127.0.0.1");
            Map<String, UnaryOperator<IdentityProof>> tamperings = new LinkedHashMap<>();
            tamperings.put("for another server", p -> proof(alice, "tvm.example.com"));
            tamperings.put("server id not signed", p -> with(p, p.url(), p.body(), unsignedServerId(p.headers())));
            tamperings.put(
                    "aimed elsewhere",
                    p -> with(p, "http://127.0.0.1:" + other.getAddress().getPort() + "/", p.body(), p.headers()));
            tamperings.put(
                    "tampered body",
                    p -> with(p, p.url(), "Action=GetCallerIdentity&Version=2011-06-15&X=1", p.headers()));
            for (Map.Entry<String, UnaryOperator<IdentityProof>> tampering : tamperings.entrySet()) {
                HttpResponse<String> response = call(
                        "GET",
                        "/credentials?profile=dev-role",
                        tampering.getValue().apply(good),
                        Map.of());
                assertThat(response.statusCode()).as(tampering.getKey()).isEqualTo(401);
                refused(response, 401, "UNAUTHENTICATED");
            }
            refused(call("GET", "/credentials?profile=dev-role", null, Map.of()), 401, "UNAUTHENTICATED");
            assertThat(elsewhere).isEmpty();
            assertThat(world.logLines()).isEmpty();
        } finally {
            other.stop(0);
        }
    }

    private static IdentityProof with(IdentityProof proof, String url, String body, Map<String, String> headers) {
        return new IdentityProof(proof.method(), url, body, headers);
    }

    private static Map<String, String> unsignedServerId(Map<String, String> headers) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.computeIfPresent("Authorization", (k, v) -> v.replace(";x-sentinel-server-id", ""));
        return changed;
    }

    @Test
    void tooManyRequestsAreRefusedWithRetryAfter() throws Exception {
        serve(new RequestRate(2, Duration.ofMinutes(1)));

        assertThat(credentials("dev-role", alice).statusCode()).isEqualTo(200);
        assertThat(credentials("dev-role", alice).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = credentials("dev-role", alice);

        refused(limited, 429, "RATE_LIMITED");
        assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong))
                .get()
                .satisfies(seconds -> assertThat(seconds).isBetween(1L, 60L));
        assertThat(credentials("dev-role", bob).statusCode())
                .as("another caller")
                .isEqualTo(200);
    }

    private String openSession(String profile, String caller) throws Exception {
        HttpResponse<String> opened =
                call("POST", "/sessions?profile=" + profile, proof(caller, "127.0.0.1"), Map.of());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
        return (String) JsonReader.parseObject(opened.body()).get("session");
    }

    private HttpResponse<String> inSession(String profile, String caller, String session) throws Exception {
        return call(
                "GET",
                "/credentials?profile=" + profile,
                proof(caller, "127.0.0.1"),
                Map.of("X-Sentinel-Session", session));
    }

    @Test
    void aRevokedSessionIsRefusedAtItsNextRefreshAndAnotherUsersSessionNever() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));
        String id = openSession("tracked-role", alice);

        assertThat(inSession("tracked-role", alice, id).statusCode()).isEqualTo(200);
        refused(inSession("tracked-role", bob, id), 403, "SESSION_NOT_FOUND");
        refused(credentials("tracked-role", alice), 403, "SERVER_MODE_REQUIRED");

        CliWorld.Result revoked =
                world.sentinel("server-revoke", id, "--reason", "laptop reported stolen", "--profile", bob);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        HttpResponse<String> refresh = inSession("tracked-role", alice, id);

        refused(refresh, 403, "SESSION_REVOKED");
        assertThat(refresh.body()).contains("laptop reported stolen");
        assertThat(world.sentinel("server-session", id).out())
                .contains("\"status\":\"revoked\"", "\"user\":\"" + alice + "\"");
    }

    @Test
    void profilesListsWhatTheCallerCouldBeIssued() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));

        HttpResponse<String> response = call("GET", "/profiles", proof(alice, "127.0.0.1"), Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonReader.parseObject(response.body()).get("profiles"))
                .isEqualTo(List.of(
                        Map.of("name", "dev-role", "session_required", false),
                        Map.of("name", "tracked-role", "session_required", true)));
    }

    @Test
    void serveRefusesToStartWithAnInvalidRegistryOrOptions() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "version: \"1\"\nprofiles:\n  dev-role: {}\n");

        CliWorld.Result broken = world.sentinel(
                "tvm", "serve", "--registry", dir.resolve("broken.yaml").toString(), "--server-id", "x", "--port", "0");
        CliWorld.Result window =
                world.sentinel("tvm", "serve", "--registry", "r.yaml", "--server-id", "x", "--rate-window", "soon");
        CliWorld.Result help = world.sentinel("tvm", "serve", "--help");

        assertThat(broken.exit()).isEqualTo(5);
        assertThat(broken.err()).contains("CONFIG_INVALID", "has no role_arn");
        assertThat(window.exit()).isEqualTo(2);
        assertThat(window.err()).contains("--rate-window 'soon' is not a duration");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--registry=FILE", "--server-id=ID", "Example:");
    }

    @Test
    void execRemoteServerOptionsAreCheckedBeforeAnythingRuns() {
        CliWorld.Result both = world.sentinel(
                "exec", "--server", "--remote-server", "http://127.0.0.1:1", "--profile", "dev-role", "--", "true");
        CliWorld.Result alone = world.sentinel("exec", "--aws-profile", alice, "--profile", "dev-role", "--", "true");
        CliWorld.Result plain = world.sentinel(
                "exec", "--remote-server", "http://tvm.example.com", "--profile", "dev-role", "--", "true");
        CliWorld.Result down = world.sentinel(
                "exec",
                "--remote-server",
                "http://127.0.0.1:" + MotoServer.freePort(),
                "--aws-profile",
                alice,
                "--profile",
                "dev-role",
                "--",
                "true");

        assertThat(both.exit()).isEqualTo(2);
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(plain.exit()).isEqualTo(2);
        assertThat(plain.err()).contains("never fetched over plain http");
        assertThat(down.exit()).isEqualTo(6);
        assertThat(down.err()).contains("REMOTE_SERVER_UNREACHABLE");
    }

    @Test
    void execRemoteServerRefusesBeforeTheChildStarts() throws Exception {
        serve(new RequestRate(100, Duration.ofMinutes(1)));
        Path marker = dir.resolve("started");

        CliWorld.Result result = world.sentinel(
                "exec",
                "--remote-server",
                tvm.server().uri().toString(),
                "--aws-profile",
                alice,
                "--profile",
                "prod-role",
                "--",
                "touch",
                marker.toString());

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.err()).contains("POLICY_DENIED", "production is closed today");
        assertThat(marker).doesNotExist();
    }
}
