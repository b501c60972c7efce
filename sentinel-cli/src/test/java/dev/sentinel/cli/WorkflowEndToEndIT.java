package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.DynamoDbApprovalStore;
import dev.sentinel.aws.DynamoDbBreakGlassStore;
import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.mfa.Base32;
import dev.sentinel.mfa.Totp;
import dev.sentinel.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Approvals and break-glass through the real command line against the AWS emulator: the requester, the
 * approver and the responder are IAM users identified by STS, and the real AWS CLI gets credentials through
 * credential_process once access is granted.
 */
class WorkflowEndToEndIT {
    private static final String LAUNCHER = System.getProperty("sentinel.launcher");
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;
    private String alice;
    private String bob;

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
        world = new CliWorld(dir, moto.endpoint())
                .user(alice)
                .user(bob)
                .roleProfile("prod-role", "app-prod-" + suffix, alice)
                .roleProfile("vault-role", "app-vault-" + suffix, alice)
                .config("[profile prod]\ncredential_process = " + LAUNCHER
                        + " credentials --profile prod-role\nregion = us-east-1\n\n");
        world.policy(
                "default",
                """
                version: "1"
                rules:
                  - name: prod-needs-approval
                    effect: require_approval
                    conditions:
                      profiles: [prod-role]
                  - name: vault-closed
                    effect: deny
                    conditions:
                      profiles: [vault-role]
                    reason: the vault is closed
                """);
        write(
                "approvals.yaml",
                """
                version: "1"
                rules:
                  - name: prod
                    profiles: [prod-role]
                    approvers: [%s]
                """
                        .formatted(bob));
        write(
                "breakglass.yaml",
                """
                version: "1"
                rules:
                  - name: vault-incident
                    profiles: [vault-role]
                    users: [%s]
                    reason_codes: [incident]
                    mfa: {required: true, methods: [totp]}
                    rate_limit: {cooldown: 30m}
                """
                        .formatted(alice));
        Path mfa = write(
                "mfa-users.yaml",
                """
                users:
                  %s:
                    totp_secret: %s
                """
                        .formatted(alice, Base32.encode(SECRET)));
        Files.setPosixFilePermissions(mfa, PosixFilePermissions.fromString("rw-------"));
    }

    private Path write(String name, String text) {
        try {
            Path file = world.home.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anApprovedRequestOpensAccessForTheAwsCliAndTheLogNamesTheRequest() {
        CliWorld.Result before = world.sentinel("credentials", "--profile", "prod-role");
        assertThat(before.exit()).isEqualTo(4);
        assertThat(before.err()).contains("APPROVAL_REQUIRED");

        CliWorld.Result requested = world.sentinel(
                "request", "--profile", "prod-role", "--duration", "1h", "--justification", "INC-1234 restart workers");
        assertThat(requested.exit()).as(requested.err()).isZero();
        String id = requested.out().trim();
        assertThat(id).matches("[a-z2-7]{10}");

        CliWorld.Result pending = world.sentinel("credentials", "--profile", "prod-role");
        assertThat(pending.exit()).isEqualTo(4);
        assertThat(pending.err()).contains("APPROVAL_PENDING", id);

        CliWorld.Result self = world.sentinel("approve", id, "--as", alice);
        assertThat(self.exit()).isEqualTo(3);
        assertThat(self.err()).contains("APPROVER_NOT_ALLOWED");

        CliWorld.Result approved = world.sentinel("approve", id, "--as", bob, "--comment", "ok");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("approved");

        CliWorld.Result cli = world.process(
                Map.of(),
                CliWorld.command(
                        "aws",
                        "sts",
                        "get-caller-identity",
                        "--profile",
                        "prod",
                        "--query",
                        "Arn",
                        "--output",
                        "text"));
        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out().trim()).contains("/sentinel." + alice + ".a" + id + ".");
        assertThat(world.logLines())
                .anySatisfy(line ->
                        assertThat(line).contains("\"outcome\":\"issued\"", "\"approval_request\":\"" + id + "\""))
                .anySatisfy(line ->
                        assertThat(line).contains("\"type\":\"request.approved\"", "\"actor\":\"" + bob + "\""));
        assertThat(world.sentinel("audit", "verify-logs", world.decisionLog().toString())
                        .exit())
                .isZero();
    }

    @Test
    void deniedCancelledAndExpiredRequestsGrantNothing() {
        String denied = request();
        assertThat(world.sentinel("deny", denied, "--as", bob, "--comment", "use read-only")
                        .exit())
                .isZero();
        assertThat(world.sentinel("credentials", "--profile", "prod-role").err())
                .contains("APPROVAL_REQUIRED");
        assertThat(world.sentinel("check", denied).exit()).isEqualTo(3);

        String cancelled = request();
        assertThat(world.sentinel("cancel", cancelled, "--as", bob).err()).contains("APPROVER_NOT_ALLOWED");
        assertThat(world.sentinel("cancel", cancelled, "--as", alice).exit()).isZero();
        assertThat(world.sentinel("credentials", "--profile", "prod-role").exit())
                .isEqualTo(4);

        String expiring = request();
        assertThat(world.sentinel("approve", expiring, "--as", bob).exit()).isZero();
        MutableClock clock = new MutableClock(Instant.now());
        world.clock = clock;
        assertThat(world.sentinel("credentials", "--profile", "prod-role").exit())
                .isZero();
        clock.advance(Duration.ofHours(1));

        CliWorld.Result expired = world.sentinel("credentials", "--profile", "prod-role");
        assertThat(expired.exit()).isEqualTo(4);
        assertThat(expired.out()).isEmpty();
        CliWorld.Result check = world.sentinel("check", expiring, "--json");
        assertThat(check.out()).contains("\"status\":\"expired\"");
        assertThat(world.sentinel("list", "--requester", alice).out()).contains(denied, cancelled, expiring);
    }

    private String request() {
        CliWorld.Result result =
                world.sentinel("request", "--profile", "prod-role", "--justification", "INC-1234 restart workers");
        assertThat(result.exit()).as(result.err()).isZero();
        return result.out().trim();
    }

    @Test
    void breakGlassWithTotpOpensADeniedProfileOnceAndTheCooldownHolds() {
        assertThat(world.sentinel("credentials", "--profile", "vault-role").exit())
                .isEqualTo(3);
        String[] invoke = {
            "breakglass",
            "--profile",
            "vault-role",
            "--reason-code",
            "incident",
            "--justification",
            "INC-99: secrets rotation failed, service down"
        };
        CliWorld.Result noCode = world.sentinel(invoke);
        assertThat(noCode.exit()).isEqualTo(5);
        assertThat(noCode.err()).contains("MFA_REQUIRED", "--mfa-code");

        Totp totp = new Totp();
        String code = totp.code(SECRET, totp.step(Instant.now()));
        CliWorld.Result opened = world.sentinel(append(invoke, "--mfa-code", code));
        assertThat(opened.exit()).as(opened.err()).isZero();
        String id = opened.out().trim();

        CliWorld.Result issued = world.sentinel("credentials", "--profile", "vault-role");
        assertThat(issued.exit()).as(issued.err()).isZero();
        assertThat(world.logLines())
                .anySatisfy(line -> assertThat(line)
                        .contains(
                                "\"outcome\":\"issued\"",
                                "\"grant\":\"break_glass\"",
                                "\"break_glass_event\":\"" + id + "\"")
                        .contains("sentinel." + alice + ".b" + id + "."))
                .anySatisfy(line -> assertThat(line)
                        .contains(
                                "\"type\":\"breakglass.invoked\"",
                                "\"reason_code\":\"incident\"",
                                "\"mfa_method\":\"totp\""))
                .allSatisfy(line -> assertThat(line).doesNotContain(code));

        assertThat(world.sentinel("breakglass-close", id, "--reason", "rotation fixed", "--as", alice)
                        .exit())
                .isZero();
        assertThat(world.sentinel("credentials", "--profile", "vault-role").exit())
                .isEqualTo(3);

        CliWorld.Result replay = world.sentinel(append(invoke, "--mfa-code", code));
        assertThat(replay.exit()).isEqualTo(3);
        assertThat(replay.err()).contains("RATE_LIMITED", "Retry after");
        assertThat(world.sentinel("breakglass-check", id, "--json").out())
                .contains("\"status\":\"closed\"", "rotation fixed");
    }

    @Test
    void everyRequestChangeIsDeliveredToTheWebhookSignedWithTheSharedSecret() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        Path secretFile = write("keys/webhook.secret", new String(secret, StandardCharsets.UTF_8) + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        java.util.List<String> verified = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ok = dev.sentinel.local.notify.WebhookSignature.verify(
                    secret,
                    exchange.getRequestHeaders().getFirst("X-Sentinel-Timestamp"),
                    body,
                    exchange.getRequestHeaders().getFirst("X-Sentinel-Signature"),
                    Instant.now(),
                    Duration.ofMinutes(5));
            (ok ? verified : rejected)
                    .add(exchange.getRequestHeaders().getFirst("X-Sentinel-Event") + " "
                            + new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(ok ? 204 : 401, -1);
            exchange.close();
        });
        receiver.start();
        try {
            world.sentinelConfig("notifications:\n  webhook:\n    url: http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\n    secret_file: keys/webhook.secret\n");
            String id = request();
            assertThat(world.sentinel("approve", id, "--as", bob, "--comment", "ok")
                            .exit())
                    .isZero();

            assertThat(rejected).isEmpty();
            assertThat(verified).hasSize(2);
            assertThat(verified.get(0)).startsWith("request.created ").contains("\"id\":\"" + id + "\"");
            assertThat(verified.get(1)).startsWith("request.approved ").contains("\"actor\":\"" + bob + "\"");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void teamModeKeepsRequestsAndEventsInDynamoDb() {
        String suffix = Long.toString(System.nanoTime(), 36);
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build()) {
            DynamoDbApprovalStore.createTable(dynamo, "requests-" + suffix);
            DynamoDbBreakGlassStore.createTable(dynamo, "breakglass-" + suffix);
            world.sentinelConfig(String.join(
                    "\n",
                    "approvals: {store: dynamodb, table: requests-" + suffix + ", aws_profile: " + bob + "}",
                    "breakglass: {store: dynamodb, table: breakglass-" + suffix + ", aws_profile: " + bob + "}",
                    ""));

            String id = request();
            assertThat(world.sentinel("approve", id, "--as", bob).exit()).isZero();
            assertThat(world.sentinel("credentials", "--profile", "prod-role").exit())
                    .isZero();
            Map<String, AttributeValue> item = dynamo.getItem(
                            b -> b.tableName("requests-" + suffix).key(Map.of("id", AttributeValue.fromS(id))))
                    .item();
            assertThat(item.get("status").s()).isEqualToIgnoringCase("approved");

            Totp totp = new Totp();
            CliWorld.Result opened = world.sentinel(
                    "breakglass",
                    "--profile",
                    "vault-role",
                    "--reason-code",
                    "incident",
                    "--justification",
                    "INC-99: secrets rotation failed, service down",
                    "--mfa-code",
                    totp.code(SECRET, totp.step(Instant.now())));
            assertThat(opened.exit()).as(opened.err()).isZero();
            assertThat(world.sentinel("breakglass-list", "--status", "active").out())
                    .contains(opened.out().trim());
            assertThat(world.sentinel("credentials", "--profile", "vault-role").exit())
                    .isZero();
        }
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
