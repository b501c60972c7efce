package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The standalone token vending machine: {@link TokenVendingMachine} on the JDK's HTTP server. It speaks
 * plain HTTP; on anything but loopback, put a TLS-terminating proxy in front (docs/tvm.md). Request bodies
 * are never read: the API takes everything from the path, the query and the headers.
 */
public final class TvmHttpServer implements AutoCloseable {
    static final int THREADS = 16;

    private final HttpServer server;
    private final ExecutorService executor;
    private final TokenVendingMachine tvm;

    private TvmHttpServer(HttpServer server, ExecutorService executor, TokenVendingMachine tvm) {
        this.server = server;
        this.executor = executor;
        this.tvm = tvm;
    }

    /** Starts serving on {@code address} (port 0 picks a free one). */
    public static TvmHttpServer start(TokenVendingMachine tvm, InetSocketAddress address) throws IOException {
        requireNonNull(tvm, "tvm is null");
        HttpServer http = HttpServer.create(requireNonNull(address, "address is null"), 64);
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "sentinel-tvm-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        TvmHttpServer server = new TvmHttpServer(http, executor, tvm);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    /** The base URL clients use on this machine. */
    public URI uri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            TvmResponse response;
            try {
                URI uri = exchange.getRequestURI();
                response = tvm.handle(TvmRequest.of(
                        exchange.getRequestMethod(),
                        uri.getRawPath(),
                        uri.getRawQuery(),
                        exchange.getRequestHeaders(),
                        null));
            } catch (dev.sentinel.error.SentinelException e) {
                response = TvmResponse.error(e.code().httpStatus(), e.code().name(), e.getMessage());
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            response.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
