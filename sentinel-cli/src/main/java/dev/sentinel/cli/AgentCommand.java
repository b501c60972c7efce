package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.local.home.PrivateFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The resident helper behind {@code bin/sentinel credentials --profile P} (docs/performance.md): a JVM
 * that stays up between credential_process calls so each call skips JVM start-up. It answers on a
 * loopback port, only to clients that present the random token it wrote to an owner-only file, and runs
 * exactly the command a fresh process would run, with the caller's environment (and only for callers whose
 * process-wide settings equal its own; see {@link #sameProcessEnvironment}), so every call still
 * reads the configuration, evaluates the policy and writes the decision log. It keeps no state of its own
 * between calls and exits after {@code --idle} seconds without a call, or within a second of its file
 * being removed or taken over by another agent.
 *
 * <p>Request: the token, a newline, the profile, a newline, then the caller's environment as
 * {@code NAME=VALUE} entries each ended by a NUL byte, and an empty entry. Response: a line
 * {@code <exit code> <stdout bytes> <stderr bytes>}, then stdout's bytes, then stderr's.
 */
@Command(
        name = "agent",
        hidden = true,
        description = "Serve credential_process calls from a resident JVM (used by bin/sentinel).")
final class AgentCommand implements Callable<Integer> {
    private static final int MAX_REQUEST = 1 << 20;
    /** A real client sends its whole request at once; anything slower is not one. */
    private static final int READ_TIMEOUT_MILLIS = 2_000;
    /** How often the agent checks that its file is still there: removing the file stops it within this. */
    private static final int POLL_MILLIS = 1000;

    @Option(
            names = "--file",
            required = true,
            paramLabel = "PATH",
            description = "Where to publish the port and token.")
    Path file;

    @Option(
            names = "--idle",
            defaultValue = "900",
            paramLabel = "SECONDS",
            description = "Exit after this long without a call.")
    int idleSeconds;

    @Override
    public Integer call() throws IOException {
        requireNonNull(file, "file is null");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        ExecutorService workers = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "sentinel-agent");
            thread.setDaemon(true);
            return thread;
        });
        try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            String published = server.getLocalPort() + " " + token + "\n";
            PrivateFiles.directory(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, published.getBytes(StandardCharsets.US_ASCII));
            server.setSoTimeout(POLL_MILLIS);
            byte[] expected = token.getBytes(StandardCharsets.US_ASCII);
            long idleNanos = TimeUnit.SECONDS.toNanos(Math.max(1, idleSeconds));
            long lastCall = System.nanoTime();
            while (stillPublished(published) && System.nanoTime() - lastCall < idleNanos) {
                Socket client;
                try {
                    client = server.accept();
                } catch (SocketTimeoutException poll) {
                    continue;
                }
                lastCall = System.nanoTime();
                workers.execute(() -> serve(client, expected));
            }
        } finally {
            workers.shutdown();
            removeIfOurs(token);
        }
        return 0;
    }

    private boolean stillPublished(String published) {
        try {
            return Files.readString(file).equals(published);
        } catch (IOException e) {
            return false;
        }
    }

    private void removeIfOurs(String token) {
        try {
            if (Files.readString(file).contains(" " + token)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Gone already, or replaced by another agent: either way nothing of ours is left to remove.
        }
    }

    private static void serve(Socket client, byte[] expected) {
        try (client) {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            byte[] presented = field(in, '\n').getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(presented, expected)) {
                return;
            }
            String profile = field(in, '\n');
            Map<String, String> env = new HashMap<>();
            for (String entry = field(in, '\0'); !entry.isEmpty(); entry = field(in, '\0')) {
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    env.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
            if (!sameProcessEnvironment(env, System.getenv())) {
                client.getOutputStream().write("other-environment\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            int exit = Main.run(
                    new Platform(
                            env,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8),
                            Clock.systemUTC(),
                            Path.of(home),
                            false),
                    "credentials",
                    "--profile",
                    profile);
            OutputStream reply = client.getOutputStream();
            reply.write((exit + " " + out.size() + " " + err.size() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.writeTo(reply);
            err.writeTo(reply);
            reply.flush();
        } catch (IOException | RuntimeException e) {
            // The client falls back to running the command itself when the answer is missing or cut.
        }
    }

    /**
     * Whether a new process started with {@code caller}'s environment would behave as this one: parts of
     * the AWS SDK and the JVM read the process environment directly (credential_source Environment,
     * credential_process children, proxies, JVM options, the time zone), so the agent answers only callers
     * whose variables of that kind all equal its own. Others get a new JVM from the launcher.
     */
    static boolean sameProcessEnvironment(Map<String, String> caller, Map<String, String> own) {
        java.util.Set<String> names = new java.util.HashSet<>(caller.keySet());
        names.addAll(own.keySet());
        for (String name : names) {
            if (processWide(name) && !java.util.Objects.equals(caller.get(name), own.get(name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean processWide(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("AWS_")
                || (upper.startsWith("SENTINEL_") && !launcherOnly(upper))
                || upper.endsWith("_PROXY")
                || upper.startsWith("JAVA_")
                || upper.startsWith("_JAVA")
                || upper.startsWith("JDK_")
                || upper.equals("HOME")
                || upper.equals("PATH")
                || upper.equals("TZ");
    }

    /** Settings that only bin/sentinel reads; the jar, JVM and JVM options are part of the agent's own key. */
    private static boolean launcherOnly(String name) {
        return name.startsWith("SENTINEL_CDS")
                || name.startsWith("SENTINEL_AGENT")
                || name.equals("SENTINEL_JAVA")
                || name.equals("SENTINEL_JAVA_OPTS")
                || name.equals("SENTINEL_JAR");
    }

    /** The bytes up to {@code end} as UTF-8 text; fails on end of stream or an oversized request. */
    private static String field(InputStream in, char end) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != end; b = in.read()) {
            if (b < 0) {
                throw new EOFException("request ended early");
            }
            if (bytes.size() >= MAX_REQUEST) {
                throw new IOException("request too large");
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
