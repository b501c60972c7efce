package dev.sentinel.aws.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real AWS emulator for tests: moto's server mode, started on a free loopback port and stopped
 * afterwards, answering one request at a time. The Python interpreter is the system property
 * {@code sentinel.test.python} (default {@code python3}). A missing moto fails the test with how to
 * install it; it never skips.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(30);

    /**
     * moto's own server answers requests on many threads with no lock around its data, so two
     * conditional writes (or transactions, which it rolls back by restoring a whole-table copy) can
     * interleave and both succeed. Real DynamoDB never lets that happen; one request at a time restores
     * the guarantee the race tests rely on.
     */
    private static final String SERIAL_SERVER = String.join(
            "\n",
            "import os, sys, threading",
            "os.environ['MOTO_PORT'] = sys.argv[1]",
            "from werkzeug.serving import run_simple",
            "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app",
            "app = DomainDispatcherApplication(create_backend_app)",
            "lock = threading.Lock()",
            "def serial(environ, start_response):",
            "    with lock:",
            "        return list(app(environ, start_response))",
            "run_simple('127.0.0.1', int(sys.argv[1]), serial, threaded=True)");

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    public static MotoServer start() {
        String python = System.getProperty("sentinel.test.python", "python3");
        requireMoto(python);
        int port = freePort();
        try {
            Path log = Files.createTempFile("moto-", ".log");
            ProcessBuilder builder = new ProcessBuilder(python, "-c", SERIAL_SERVER, Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            isolate(builder.environment());
            Process process = builder.start();
            MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start moto with " + python, e);
        }
    }

    private static void requireMoto(String python) {
        try {
            Process check = new ProcessBuilder(python, "-c", "import moto.server")
                    .redirectErrorStream(true)
                    .start();
            if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
                throw new AssertionError("moto's server mode is not installed for " + python + ": run `" + python
                        + " -m pip install 'moto[server]'` (or set -Dsentinel.test.python)");
            }
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + python + " to start the AWS emulator: " + e.getMessage()
                            + "; install Python 3 with `pip install 'moto[server]'` or set -Dsentinel.test.python",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** moto uses botocore internally: keep the developer's AWS set-up (and empty test overrides) away from it. */
    private static void isolate(java.util.Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "moto");
        env.put("AWS_SECRET_ACCESS_KEY", "moto");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("moto exited at start-up:\n" + readLog());
            }
            try {
                HttpURLConnection connection = (HttpURLConnection)
                        endpoint.resolve("/moto-api/").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        close();
        throw new AssertionError("moto did not answer within " + STARTUP.toSeconds() + " s:\n" + readLog());
    }

    /** The emulator's base URL, for endpoint overrides. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String readLog() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A loopback port that nothing listens on (for "AWS is unreachable" tests). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
