package dev.sentinel.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The engine of {@link HttpLoad}: one thread, one selector, plain HTTP/1.1 GETs over keep-alive
 * connections with at most one request in flight on each (no pipelining), like wrk2. Requests are due at
 * fixed intervals; a due request goes out on an idle connection, on a new one while fewer than
 * {@code maxConnections} are open, or else waits for the next free connection. Either way its latency
 * counts from when it was due, so waiting in the generator is measured too. Responses need a
 * Content-Length, chunked encoding or {@code Connection: close}.
 */
final class OpenLoopClient {
    private static final long MAX_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final long SPIN_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final HttpLoad.Config config;
    private final InetSocketAddress address;
    private final byte[] request;
    private final int maxConnections;
    private final Selector selector;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> open = new ArrayList<>();
    private final Deque<Long> waiting = new ArrayDeque<>();
    private final Histogram latency = new Histogram(MAX_TRACKED_NANOS, 3);
    private final Histogram sendLag = new Histogram(MAX_TRACKED_NANOS, 3);
    private final Map<Integer, Long> statuses = new TreeMap<>();
    private long measuredFrom;
    private long failures;
    private String firstFailure;

    /** One keep-alive connection and the request it is waiting on, if any. */
    private final class Connection {
        final SocketChannel channel;
        final SelectionKey key;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        long due = -1;
        long sentAt;

        Connection() throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(address);
            key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
        }

        void send(long dueAt) throws IOException {
            due = dueAt;
            sentAt = System.nanoTime();
            in.clear();
            out = ByteBuffer.wrap(request);
            if (channel.isConnected()) {
                flush();
            }
        }

        void flush() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    OpenLoopClient(HttpLoad.Config config, int maxConnections) throws IOException {
        if (!"http".equals(config.url().getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported");
        }
        this.config = config;
        this.maxConnections = maxConnections;
        int port = config.url().getPort() < 0 ? 80 : config.url().getPort();
        this.address = new InetSocketAddress(config.url().getHost(), port);
        String target = config.url().getRawPath().isEmpty() ? "/" : config.url().getRawPath();
        if (config.url().getRawQuery() != null) {
            target += "?" + config.url().getRawQuery();
        }
        StringBuilder head = new StringBuilder()
                .append("GET ")
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(config.url().getHost())
                .append(config.url().getPort() < 0 ? "" : ":" + port)
                .append("\r\nUser-Agent: sentinel-http-load\r\n");
        config.headers()
                .forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
        this.request = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        this.selector = Selector.open();
    }

    HttpLoad.Result run() throws IOException {
        if (!selector.isOpen()) {
            throw new IllegalStateException("a client runs once");
        }
        long period = TimeUnit.SECONDS.toNanos(1) / config.rate();
        long warmupCount = config.warmup().toNanos() / period;
        long total = warmupCount + config.duration().toNanos() / period;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        measuredFrom = start + warmupCount * period;
        long next = 0;
        long drainDeadline = Long.MAX_VALUE;
        try {
            while (true) {
                long now = System.nanoTime();
                while (next < total && start + next * period <= now) {
                    long due = start + next * period;
                    if (due >= measuredFrom) {
                        sendLag.recordValue(Math.min(now - due, MAX_TRACKED_NANOS));
                    }
                    dispatch(due);
                    next++;
                }
                if (next == total && drainDeadline == Long.MAX_VALUE) {
                    drainDeadline = now + config.timeout().toNanos();
                }
                if (next == total && (inFlight() == 0 || now > drainDeadline)) {
                    break;
                }
                expire(now);
                long wait = next < total ? start + next * period - now : PARK_NANOS * 20;
                if (wait >= SPIN_BELOW_NANOS) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) - 1));
                } else if (selector.selectNow() == 0) {
                    LockSupport.parkNanos(Math.min(wait, PARK_NANOS));
                }
                handleReady();
            }
        } finally {
            for (Connection c : new ArrayList<>(open)) {
                close(c);
            }
            selector.close();
        }
        long unfinished = inFlight();
        return new HttpLoad.Result(
                total - warmupCount,
                java.util.Collections.unmodifiableMap(new TreeMap<>(statuses)),
                failures,
                unfinished,
                latency,
                sendLag,
                Duration.ofNanos(System.nanoTime() - measuredFrom),
                firstFailure);
    }

    private long inFlight() {
        return waiting.size() + open.stream().filter(c -> c.due >= 0).count();
    }

    private void dispatch(long due) {
        Connection connection = idle.pollFirst();
        if (connection == null && open.size() < maxConnections) {
            try {
                connection = new Connection();
            } catch (IOException e) {
                countFailure(due, System.nanoTime(), e.toString());
                return;
            }
            open.add(connection);
        }
        if (connection == null) {
            waiting.addLast(due);
        } else {
            send(connection, due);
        }
    }

    private void send(Connection connection, long due) {
        try {
            connection.send(due);
        } catch (IOException e) {
            fail(connection, e.toString());
        }
    }

    private void handleReady() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Connection connection = (Connection) key.attachment();
            try {
                if (key.isConnectable()) {
                    connection.channel.finishConnect();
                    if (connection.out != null) {
                        connection.flush();
                    } else {
                        key.interestOps(0);
                    }
                } else if (key.isWritable()) {
                    connection.flush();
                } else if (key.isReadable()) {
                    read(connection);
                }
            } catch (IOException | RuntimeException e) {
                fail(connection, e.toString());
            }
        }
    }

    private void read(Connection connection) throws IOException {
        if (!connection.in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(connection.in.capacity() * 2);
            connection.in.flip();
            connection.in = bigger.put(connection.in);
        }
        int read = connection.channel.read(connection.in);
        Response response = Response.parse(connection.in, read < 0);
        if (response == null) {
            if (read < 0) {
                fail(connection, "the server closed the connection before a complete response");
            }
            return;
        }
        long now = System.nanoTime();
        if (connection.due >= measuredFrom) {
            latency.recordValue(Math.min(now - connection.due, MAX_TRACKED_NANOS));
            statuses.merge(response.status, 1L, Long::sum);
        }
        connection.due = -1;
        connection.out = null;
        if (response.close || read < 0) {
            close(connection);
        } else {
            connection.key.interestOps(0);
            Long due = waiting.pollFirst();
            if (due != null) {
                send(connection, due);
            } else {
                idle.addLast(connection);
            }
        }
        if (open.size() < maxConnections && !waiting.isEmpty()) {
            dispatch(waiting.pollFirst());
        }
    }

    /** Fails requests that have waited longer than the timeout, on a connection or for one. */
    private void expire(long now) {
        long limit = now - config.timeout().toNanos();
        for (Connection c : new ArrayList<>(open)) {
            if (c.due >= 0 && c.sentAt < limit) {
                fail(c, "no response within " + config.timeout().toMillis() + " ms");
            }
        }
        while (!waiting.isEmpty() && waiting.peekFirst() < limit) {
            countFailure(
                    waiting.pollFirst(),
                    now,
                    "no free connection within " + config.timeout().toMillis() + " ms");
        }
    }

    private void fail(Connection connection, String why) {
        if (connection.due >= 0) {
            countFailure(connection.due, System.nanoTime(), why);
            connection.due = -1;
        }
        close(connection);
    }

    private void countFailure(long due, long now, String why) {
        if (due < measuredFrom) {
            return;
        }
        latency.recordValue(Math.min(now - due, MAX_TRACKED_NANOS));
        failures++;
        if (firstFailure == null) {
            firstFailure = why;
        }
    }

    private void close(Connection connection) {
        open.remove(connection);
        idle.remove(connection);
        connection.key.cancel();
        try {
            connection.channel.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }

    /** A complete response's status and whether the server closes the connection after it. */
    private record Response(int status, boolean close) {
        /** Parses the bytes read so far; null while the response is incomplete. */
        static Response parse(ByteBuffer buffer, boolean eof) {
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String[] lines = text.substring(0, headEnd).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IllegalStateException("not an HTTP/1.x response: " + lines[0]);
            }
            int status = Integer.parseInt(statusLine[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i].toLowerCase(Locale.ROOT);
                if (line.startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).strip());
                } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                    chunked = true;
                } else if (line.startsWith("connection:") && line.contains("close")) {
                    close = true;
                }
            }
            int body = text.length() - headEnd - 4;
            boolean complete;
            if (chunked) {
                complete = text.startsWith("0\r\n\r\n", headEnd + 4) || text.endsWith("\r\n0\r\n\r\n");
            } else if (length >= 0) {
                complete = body >= length;
            } else {
                complete = eof;
                close = true;
            }
            return complete ? new Response(status, close) : null;
        }
    }
}
