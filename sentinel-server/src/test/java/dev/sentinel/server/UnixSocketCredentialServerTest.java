package dev.sentinel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.gate.Gate;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.session.ServerSession;
import dev.sentinel.testing.RecordingAuditSink;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketCredentialServerTest {
    private static final String BODY =
            "{\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"secret-x\",\"Token\":\"token-x\","
                    + "\"Expiration\":\"2026-11-22T10:15:00Z\"}";

    @TempDir
    Path parent;

    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<IssueRequest> issued = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final MemorySessionStore sessions = new MemorySessionStore();
    private final RequestId session = RequestId.random();
    private Gate gate;
    private UnixSocketCredentialServer server;

    @BeforeEach
    void start() throws IOException {
        gate = new Gate(
                profile -> CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice"),
                profile -> LoadedPolicy.parse(
                        "test.yaml", "version: \"1\"\nrules:\n  - name: server-only\n    effect: require_server\n"),
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
                RequestId::random,
                sessions);
        Instant now = Instant.now();
        sessions.create(new ServerSession(
                session, "prod", "alice", ServerSession.Status.ACTIVE, now, now, now.plusSeconds(3600), 0, null, null));
        server = UnixSocketCredentialServer.start(gate, new ProfileName("prod"), session, parent, warnings::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends raw bytes over the socket and returns everything the server answered before closing. */
    private static String read(Path socket, String request) throws IOException {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            if (!request.isEmpty()) {
                client.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (client.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    throw new AssertionError("reply larger than 64 KiB");
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    private String get(String path, String authorization) throws IOException {
        return read(
                server.socket(),
                "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                        + "\r\n");
    }

    @Test
    void refusesAMissingOrWrongToken() throws IOException {
        assertThat(get("/credentials", null)).startsWith("HTTP/1.1 401 ").contains("\"code\":\"UNAUTHORIZED\"");
        String wrong = get("/credentials", server.token() + "x");
        assertThat(wrong)
                .startsWith("HTTP/1.1 401 ")
                .contains("SENTINEL_CREDENTIALS_TOKEN")
                .doesNotContain(server.token());
        assertThat(issued).isEmpty();
        assertThat(audit.entries).isEmpty();
    }

    @Test
    void refusesOtherMethodsPathsAndMalformedRequests() throws IOException {
        assertThat(read(server.socket(), "POST /credentials HTTP/1.1\r\nAuthorization: " + server.token() + "\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ");
        assertThat(get("/other", server.token())).startsWith("HTTP/1.1 404 ");
        assertThat(read(server.socket(), "nonsense\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(read(server.socket(), "GET /credentials HTTP/1.1\r\nX: " + "a".repeat(9000)))
                .startsWith("HTTP/1.1 400 ");
        assertThat(issued).isEmpty();
    }

    @Test
    void refusesAPeerThatIsNotTheServedUserAndSaysSo() throws IOException {
        UserPrincipal someoneElse = () -> "mallory";
        try (UnixSocketCredentialServer guarded = UnixSocketCredentialServer.start(
                gate, new ProfileName("prod"), session, parent, warnings::add, someoneElse)) {
            // The peer is refused before the server reads a byte: the reply comes without sending a request.
            String reply = read(guarded.socket(), "");

            assertThat(reply)
                    .startsWith("HTTP/1.1 403 ")
                    .contains("FORBIDDEN_PEER")
                    .doesNotContain("ASIAX");
            assertThat(warnings)
                    .singleElement()
                    .asString()
                    .contains("refused a connection", guarded.socket().toString(), "only mallory is served");
        }
        assertThat(issued).isEmpty();
        assertThat(audit.entries).isEmpty();
    }

    @Test
    void onlyTheSameUserIsServedComparedByIdNotByName() throws IOException {
        Path file = Files.createFile(parent.resolve("mine"));
        UserPrincipal me = Files.getOwner(file);
        GroupPrincipal group = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class)
                .group();
        UserPrincipal impostor = me::getName;
        UserPrincipal nobody =
                parent.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");

        assertThat(UnixSocketCredentialServer.served(me, new UnixDomainPrincipal(me, group)))
                .isTrue();
        assertThat(UnixSocketCredentialServer.served(me, new UnixDomainPrincipal(nobody, group)))
                .as("another user")
                .isFalse();
        assertThat(UnixSocketCredentialServer.served(me, new UnixDomainPrincipal(impostor, group)))
                .as("a principal that only shares the name")
                .isFalse();
        assertThat(UnixSocketCredentialServer.served(me, null))
                .as("a peer the kernel did not name")
                .isFalse();
    }

    @Test
    void theKernelReportsTheSameUserForARealConnection() throws IOException {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(server.socket()));
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            assertThat(UnixSocketCredentialServer.served(Files.getOwner(server.socket()), peer))
                    .isTrue();
        }
        assertThat(get("/credentials", server.token())).startsWith("HTTP/1.1 200 ");
        assertThat(warnings).isEmpty();
    }

    @Test
    void servesCredentialsToAJavaClientAndDecidesEveryRequest() throws IOException {
        String first = get("/credentials?x=1", server.token());
        String second = get("/credentials", server.token());

        assertThat(first)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Type: application/json\r\n", "Connection: close\r\n", "Cache-Control: no-store\r\n")
                .endsWith("\r\n\r\n" + BODY);
        assertThat(second).endsWith(BODY);
        assertThat(issued).hasSize(2);
        assertThat(audit.entries).hasSize(2).allSatisfy(e -> {
            assertThat(e.mode()).isEqualTo("server");
            assertThat(e.session()).isEqualTo(session.value());
        });
        assertThat(sessions.get(session).orElseThrow().requestCount()).isEqualTo(2);
    }

    @Test
    void servesCurl() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "--silent",
                "--show-error",
                "--fail",
                "--unix-socket",
                server.socket().toString(),
                "--header",
                "Authorization: " + server.token(),
                "http://localhost/credentials"));
        Process curl;
        try {
            curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("This test needs curl on PATH (Debian: apt-get install curl): " + e.getMessage());
            return;
        }
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(curl.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo(BODY);
        assertThat(issued).hasSize(1);
    }

    @Test
    void theSocketAndItsDirectoryArePrivateAndFreshForEveryRun() throws IOException {
        Path socket = server.socket();
        assertThat(socket.getParent().getParent()).isEqualTo(parent);
        assertThat(socket.getFileName()).hasToString("credentials.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-------");
        assertThat(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class)
                        .isOther())
                .as("a socket, not a regular file")
                .isTrue();
        try (UnixSocketCredentialServer other =
                UnixSocketCredentialServer.start(gate, new ProfileName("prod"), session, parent, warnings::add)) {
            assertThat(other.socket()).isNotEqualTo(socket);
            assertThat(other.token()).isNotEqualTo(server.token());
        }
        assertThat(server.childEnvironment())
                .containsOnlyKeys("SENTINEL_CREDENTIALS_SOCKET", "SENTINEL_CREDENTIALS_TOKEN")
                .containsEntry("SENTINEL_CREDENTIALS_SOCKET", socket.toString());
        assertThat(server.toString()).doesNotContain(server.token());
    }

    @Test
    void closeRemovesTheSocketAndItsDirectory() {
        Path socket = server.socket();
        server.close();

        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).doesNotExist();
        assertThatThrownBy(() -> get("/credentials", server.token())).isInstanceOf(IOException.class);
    }
}
