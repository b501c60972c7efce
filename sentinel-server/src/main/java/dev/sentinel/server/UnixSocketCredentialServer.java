package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import dev.sentinel.gate.Gate;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The container-credentials protocol of {@link LocalCredentialServer}, served over a Unix domain socket
 * ({@code sentinel exec --server --socket}) instead of loopback TCP. The socket lives at a fresh path in a
 * new directory only its owner may enter (0700); the socket file itself is 0600. Before reading a byte,
 * it asks the kernel who is connecting ({@code SO_PEERCRED}) and serves only the user running Sentinel;
 * any other peer gets a 403 and is reported to {@code warnings}. Then, as over TCP: only
 * {@code GET /credentials} with the per-run token, and every request decided again by the gate. It speaks
 * just enough HTTP/1.1 for that: one request per connection, answered with {@code Connection: close}.
 * AWS SDKs cannot fetch container credentials from a socket; this is for tools and wrappers that can
 * ({@code curl --unix-socket}). Closing it removes the socket and its directory.
 */
public final class UnixSocketCredentialServer implements CredentialEndpoint {
    public static final String SOCKET_VARIABLE = "SENTINEL_CREDENTIALS_SOCKET";
    public static final String TOKEN_VARIABLE = "SENTINEL_CREDENTIALS_TOKEN";
    static final String SOCKET_NAME = "credentials.sock";
    static final int MAX_HEAD_BYTES = 8 * 1024;
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

    private final Path directory;
    private final Path socket;
    private final ServerSocketChannel channel;
    private final UserPrincipal owner;
    private final CredentialRequests requests;
    private final Consumer<String> warnings;
    private final ExecutorService workers;
    private final ScheduledExecutorService deadlines;

    private UnixSocketCredentialServer(
            Path directory,
            Path socket,
            ServerSocketChannel channel,
            UserPrincipal owner,
            CredentialRequests requests,
            Consumer<String> warnings) {
        this.directory = directory;
        this.socket = socket;
        this.channel = channel;
        this.owner = owner;
        this.requests = requests;
        this.warnings = warnings;
        this.workers = Executors.newFixedThreadPool(2, daemon("sentinel-credential-socket"));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(daemon("sentinel-credential-socket-deadline"));
    }

    /**
     * Creates a private directory under {@code parent}, binds the socket in it and starts serving. Every
     * request belongs to the tracked {@code session} (null for none). Refused peers are described to
     * {@code warnings}.
     */
    public static UnixSocketCredentialServer start(
            Gate gate, ProfileName profile, RequestId session, Path parent, Consumer<String> warnings)
            throws IOException {
        return start(gate, profile, session, parent, warnings, null);
    }

    /** As {@link #start}, serving {@code onlyUser} instead of the user running Sentinel when it is not null. */
    static UnixSocketCredentialServer start(
            Gate gate,
            ProfileName profile,
            RequestId session,
            Path parent,
            Consumer<String> warnings,
            UserPrincipal onlyUser)
            throws IOException {
        requireNonNull(gate, "gate is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(parent, "parent is null");
        requireNonNull(warnings, "warnings is null");
        Path directory = Files.createTempDirectory(
                parent,
                "sentinel-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = directory.resolve(SOCKET_NAME);
        ServerSocketChannel channel = null;
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket), 64);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            UnixSocketCredentialServer server = new UnixSocketCredentialServer(
                    directory,
                    socket,
                    channel,
                    onlyUser != null ? onlyUser : Files.getOwner(directory),
                    new CredentialRequests(gate, profile, session, TOKEN_VARIABLE),
                    warnings);
            Thread acceptor = new Thread(server::acceptLoop, "sentinel-credential-socket-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
            throw e;
        }
    }

    /** The socket's path, for {@code SENTINEL_CREDENTIALS_SOCKET}. */
    public Path socket() {
        return socket;
    }

    /** The per-run token, for {@code SENTINEL_CREDENTIALS_TOKEN}: a secret for the child only. */
    public String token() {
        return requests.token();
    }

    @Override
    public Map<String, String> childEnvironment() {
        return Map.of(SOCKET_VARIABLE, socket.toString(), TOKEN_VARIABLE, token());
    }

    /**
     * Whether a peer is served: only when the kernel reports the very user that owns this server's files.
     * Principals compare by numeric id, so a different user with the same name is not the same user.
     */
    static boolean served(UserPrincipal owner, UnixDomainPrincipal peer) {
        return peer != null && owner.equals(peer.user());
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a listening socket has nothing left to report; the files are removed below either way.
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            warnings.accept("could not remove " + directory + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "UnixSocketCredentialServer[" + socket + ", token=<redacted>]";
    }

    private void acceptLoop() {
        while (channel.isOpen()) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                warnings.accept("the credentials socket could not accept a connection: " + e.getMessage());
                continue;
            }
            UnixDomainPrincipal peer = peerOf(client);
            if (served(owner, peer)) {
                workers.execute(() -> serve(client));
            } else {
                warnings.accept("refused a connection to " + socket + " from "
                        + (peer == null
                                ? "a peer the kernel did not name"
                                : "user " + peer.user().getName())
                        + "; only " + owner.getName() + " is served");
                try (client) {
                    write(
                            client,
                            CredentialRequests.error(
                                    403, "FORBIDDEN_PEER", "Only the user running Sentinel is served."));
                } catch (IOException ignored) {
                    // The refused peer went away; it was refused either way.
                }
            }
        }
    }

    /** The connecting process's user as the kernel reports it, or null when it cannot say (refused). */
    private static UnixDomainPrincipal peerOf(SocketChannel client) {
        try {
            return client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> deadline =
                deadlines.schedule(() -> closeQuietly(client), REQUEST_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        try (client) {
            write(client, answer(readHead(client)));
        } catch (IOException ignored) {
            // The client went away or missed the deadline; there is no one left to answer.
        } finally {
            deadline.cancel(false);
        }
    }

    /** The request head up to the blank line; null when it is larger than {@link #MAX_HEAD_BYTES}. */
    private static String readHead(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_HEAD_BYTES);
        while (buffer.hasRemaining()) {
            if (client.read(buffer) < 0) {
                break;
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                return text.substring(0, end);
            }
        }
        return null;
    }

    private CredentialRequests.Reply answer(String head) {
        if (head == null) {
            return CredentialRequests.error(400, "BAD_REQUEST", "Send one HTTP/1.1 request head of at most 8 KiB.");
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return CredentialRequests.error(400, "BAD_REQUEST", "Send an HTTP/1.1 request line.");
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        String authorization = null;
        for (int i = 1; i < lines.length && authorization == null; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0
                    && lines[i].substring(0, colon).toLowerCase(Locale.ROOT).equals("authorization")) {
                authorization = lines[i].substring(colon + 1).strip();
            }
        }
        return requests.answer(requestLine[0], query < 0 ? target : target.substring(0, query), authorization);
    }

    private static void write(SocketChannel client, CredentialRequests.Reply reply) throws IOException {
        byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + reply.status() + " " + reason(reply.status()) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
        out.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
        while (out.hasRemaining()) {
            client.write(out);
        }
        client.shutdownOutput();
        // Closing with unread input would make the kernel reset the connection, and the client could lose
        // the reply: discard what has already arrived (an oversized head, or a refused peer's request).
        client.configureBlocking(false);
        ByteBuffer unread = ByteBuffer.allocate(MAX_HEAD_BYTES);
        for (int i = 0; i < 16 && client.read(unread.clear()) > 0; i++) {}
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            default -> "Error";
        };
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // Already closed: the deadline has nothing left to end.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
