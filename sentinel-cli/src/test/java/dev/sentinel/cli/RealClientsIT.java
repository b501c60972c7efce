package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.testing.MotoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher used by real clients: the AWS CLI and boto3 read Sentinel's credential_process
 * output exactly as they would on a user's machine.
 */
class RealClientsIT {
    private static final String LAUNCHER = System.getProperty("sentinel.launcher");
    private static final String PYTHON = System.getProperty("sentinel.test.python", "python3");
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;
    private String user;
    private String devRole;

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void seed() {
        String suffix = Long.toString(System.nanoTime(), 36);
        user = "alice-" + suffix;
        devRole = "app-dev-" + suffix;
        world = new CliWorld(dir, moto.endpoint())
                .user(user)
                .roleProfile("dev-role", devRole, user)
                .roleProfile("prod-role", "app-prod-" + suffix, user)
                .config("[profile dev]\ncredential_process = " + LAUNCHER
                        + " credentials --profile dev-role\nregion = us-east-1\n\n"
                        + "[profile prod]\ncredential_process = " + LAUNCHER
                        + " credentials --profile prod-role\nregion = us-east-1\n\n");
        world.policy(
                "default",
                """
                version: "1"
                rules:
                  - name: alice-on-dev
                    effect: allow
                    conditions:
                      profiles: [dev-role]
                      users: [%s]
                  - name: prod-closed
                    effect: deny
                    conditions:
                      profiles: [prod-role]
                    reason: production is closed today
                """
                        .formatted(user));
    }

    @Test
    void theAwsCliGetsCredentialsThroughCredentialProcess() {
        CliWorld.Result result = world.process(
                Map.of(),
                CliWorld.command(
                        "aws", "sts", "get-caller-identity", "--profile", "dev", "--query", "Arn", "--output", "text"));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out().trim())
                .startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel." + user + ".d.");
    }

    @Test
    void theAwsCliShowsTheRefusalAndGetsNoCredentials() {
        CliWorld.Result result = world.process(
                Map.of(),
                CliWorld.command("aws", "sts", "get-caller-identity", "--profile", "prod", "--output", "text"));

        assertThat(result.exit()).isNotZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("POLICY_DENIED", "production is closed today");
    }

    @Test
    void boto3GetsCredentialsThroughCredentialProcess() {
        String script =
                "import boto3; print(boto3.Session(profile_name='dev').client('sts').get_caller_identity()['Arn'])";
        CliWorld.Result result = world.process(Map.of(), CliWorld.command(PYTHON, "-c", script));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out().trim()).contains("assumed-role/" + devRole + "/sentinel." + user + ".d.");
    }

    @Test
    void execRunsTheAwsCliWithTheIssuedCredentials() {
        CliWorld.Result result = world.process(
                Map.of(),
                CliWorld.command(
                        LAUNCHER,
                        "exec",
                        "--profile",
                        "dev-role",
                        "--",
                        "aws",
                        "sts",
                        "get-caller-identity",
                        "--query",
                        "Arn",
                        "--output",
                        "text"));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out().trim()).startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel.");
    }

    @Test
    void parallelInvocationsFetchFromStsOnce() {
        List<CompletableFuture<CliWorld.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.supplyAsync(
                    () -> world.process(Map.of(), CliWorld.command(LAUNCHER, "credentials", "--profile", "dev-role"))));
        }
        List<String> keys = new ArrayList<>();
        for (CompletableFuture<CliWorld.Result> run : runs) {
            CliWorld.Result result = run.join();
            assertThat(result.exit()).as(result.err()).isZero();
            keys.add(result.out().replaceAll(".*\"AccessKeyId\":\"([^\"]+)\".*\\s*", "$1"));
        }
        assertThat(keys).hasSize(4).containsOnly(keys.get(0));
        assertThat(world.logLines()).hasSize(4);
        assertThat(world.logLines().stream().filter(l -> l.contains("\"cached\":false")))
                .hasSize(1);
        assertThat(world.sentinel("audit", "verify-logs").exit()).isZero();
    }

    @Test
    void theResidentAgentAnswersLaterCredentialProcessCallsWithTheCallersEnvironment() throws Exception {
        java.nio.file.Path jar = dir.resolve("sentinel.jar");
        java.nio.file.Files.copy(
                java.nio.file.Path.of(LAUNCHER).getParent().resolve("../sentinel-cli/target/sentinel.jar"),
                jar,
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        java.nio.file.Path agents = dir.resolve("agents");
        Map<String, String> env =
                Map.of("SENTINEL_AGENT", "on", "SENTINEL_AGENT_DIR", agents.toString(), "SENTINEL_JAR", jar.toString());
        List<String> identity = CliWorld.command(
                "aws", "sts", "get-caller-identity", "--profile", "dev", "--query", "Arn", "--output", "text");
        try {
            CliWorld.Result first = world.process(env, identity);
            assertThat(first.exit()).as(first.err()).isZero();
            java.nio.file.Path published = null;
            for (int i = 0; i < 300 && published == null; i++) {
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(agents)) {
                    published = files.filter(f -> f.getFileName().toString().matches("agent-\\d+-[\\d-]+"))
                            .findFirst()
                            .orElse(null);
                } catch (java.nio.file.NoSuchFileException notYet) {
                    // the first call has not created the directory yet
                }
                Thread.sleep(100);
            }
            assertThat(published).as("the first call started an agent").isNotNull();
            assertThat(java.nio.file.Files.getPosixFilePermissions(published))
                    .containsOnly(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

            // Put a corrupt jar of the same size and time in place: a new JVM could not start from it, so a
            // working call proves the agent answered.
            java.nio.file.attribute.FileTime stamp = java.nio.file.Files.getLastModifiedTime(jar);
            long size = java.nio.file.Files.size(jar);
            java.nio.file.Files.move(jar, dir.resolve("sentinel.jar.real"));
            java.nio.file.Files.write(jar, new byte[(int) size]);
            java.nio.file.Files.setLastModifiedTime(jar, stamp);

            CliWorld.Result second = world.process(env, identity);
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out().trim()).contains("assumed-role/" + devRole + "/sentinel." + user + ".d.");
            List<CompletableFuture<CliWorld.Result>> parallel = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                parallel.add(CompletableFuture.supplyAsync(() -> world.process(env, identity)));
            }
            for (CompletableFuture<CliWorld.Result> run : parallel) {
                CliWorld.Result result = run.join();
                assertThat(result.exit())
                        .as("parallel calls through the agent: " + result.err())
                        .isZero();
            }
            CliWorld.Result denied = world.process(
                    env,
                    CliWorld.command("aws", "sts", "get-caller-identity", "--profile", "prod", "--output", "text"));
            assertThat(denied.exit()).isNotZero();
            assertThat(denied.err()).contains("POLICY_DENIED", "production is closed today");
            assertThat(world.logLines()).hasSize(7);
            // A caller whose process-wide settings differ (here one AWS variable) is never answered by an
            // agent started with other settings: with the corrupt jar in place, its call cannot run at all.
            Map<String, String> otherEnv = new java.util.HashMap<>(env);
            otherEnv.put("AWS_MAX_ATTEMPTS", "4");
            CliWorld.Result other = world.process(otherEnv, identity);
            assertThat(other.exit()).isNotZero();
            assertThat(other.err()).contains("jar");

            assertThat(world.sentinel("audit", "verify-logs").exit()).isZero();

            // A published agent that no longer answers is not a failure: the call runs in a new JVM.
            java.nio.file.Files.move(
                    dir.resolve("sentinel.jar.real"), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.setLastModifiedTime(jar, stamp);
            String stale = "1 not-the-token\n";
            java.nio.file.Files.writeString(published, stale);
            CliWorld.Result fallback = world.process(env, identity);
            assertThat(fallback.exit()).as(fallback.err()).isZero();
            assertThat(fallback.out().trim()).contains("assumed-role/" + devRole);
        } finally {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(agents)) {
                for (java.nio.file.Path file : files.toList()) {
                    java.nio.file.Files.deleteIfExists(file);
                }
            }
            Thread.sleep(1500); // an agent whose file is gone exits within a second
        }
    }

    @Test
    void execSurvivesCtrlCAndPassesTermToTheChild() throws Exception {
        java.nio.file.Path ready = dir.resolve("ready");
        String child =
                "trap '' INT; touch " + ready + "; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; exit 7";
        for (String signal : List.of("INT", "TERM")) {
            java.nio.file.Files.deleteIfExists(ready);
            ProcessBuilder builder = new ProcessBuilder(
                            LAUNCHER, "exec", "--profile", "dev-role", "--", "sh", "-c", child)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(world.env);
            Process sentinel = builder.start();
            for (int i = 0; i < 300 && !java.nio.file.Files.exists(ready); i++) {
                Thread.sleep(50);
            }
            assertThat(ready).as("the child started").exists();
            new ProcessBuilder("kill", "-" + signal, Long.toString(sentinel.pid()))
                    .start()
                    .waitFor();
            assertThat(sentinel.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            // INT is ignored by both, so the child finishes normally (7); TERM is passed on and ends it (128 + 15).
            assertThat(sentinel.exitValue()).as(signal).isEqualTo(signal.equals("INT") ? 7 : 143);
        }
    }

    @Test
    void execServerServesRealClientsUnderARequireServerRule() {
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: through-server\n    effect: require_server\n");
        String script = "import boto3, os; assert 'AWS_ACCESS_KEY_ID' not in os.environ;"
                + " print(boto3.client('sts').get_caller_identity()['Arn'])";
        CliWorld.Result boto = world.process(
                Map.of(),
                CliWorld.command(LAUNCHER, "exec", "--server", "--profile", "dev-role", "--", PYTHON, "-c", script));
        assertThat(boto.exit()).as(boto.err()).isZero();
        assertThat(boto.out().trim()).contains("assumed-role/" + devRole + "/sentinel." + user + ".d.");

        CliWorld.Result cli = world.process(
                Map.of(),
                CliWorld.command(
                        LAUNCHER,
                        "exec",
                        "--server",
                        "--profile",
                        "dev-role",
                        "--",
                        "aws",
                        "sts",
                        "get-caller-identity",
                        "--query",
                        "Arn",
                        "--output",
                        "text"));
        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out().trim()).startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel.");
        assertThat(world.logLines())
                .anySatisfy(line -> assertThat(line).contains("\"mode\":\"server\"", "\"outcome\":\"issued\""));

        CliWorld.Result plain =
                world.process(Map.of(), CliWorld.command("aws", "sts", "get-caller-identity", "--profile", "dev"));
        assertThat(plain.exit()).isNotZero();
        assertThat(plain.err()).contains("SERVER_MODE_REQUIRED");
    }

    @Test
    void execServerRefusesADeniedProfileBeforeStartingTheChild() {
        java.nio.file.Path marker = dir.resolve("started");
        CliWorld.Result result = world.process(
                Map.of(),
                CliWorld.command(
                        LAUNCHER, "exec", "--server", "--profile", "prod-role", "--", "touch", marker.toString()));
        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.err()).contains("POLICY_DENIED");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aRevokedServerSessionIsRefusedAtTheChildsNextRefresh() throws Exception {
        world.policy("dev-role", "version: \"1\"\nrules:\n  - name: tracked\n    effect: require_server_session\n");
        java.nio.file.Path ready = dir.resolve("ready");
        java.nio.file.Path go = dir.resolve("go");
        String child = String.join(
                "\n",
                "import boto3, os, sys, time, urllib.request, urllib.error",
                "arn = boto3.client('sts').get_caller_identity()['Arn']",
                "open('" + ready + "', 'w').write(arn)",
                "while not os.path.exists('" + go + "'): time.sleep(0.05)",
                "request = urllib.request.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'],",
                "    headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']})",
                "try:",
                "    urllib.request.urlopen(request); print('still served'); sys.exit(1)",
                "except urllib.error.HTTPError as e:",
                "    print(e.code, e.read().decode()); sys.exit(0 if e.code == 403 else 1)");
        ProcessBuilder builder = new ProcessBuilder(
                        LAUNCHER, "exec", "--server", "--profile", "dev-role", "--", PYTHON, "-c", child)
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(world.env);
        Process sentinel = builder.start();
        for (int i = 0; i < 600 && !java.nio.file.Files.exists(ready); i++) {
            Thread.sleep(50);
        }
        assertThat(ready).as("the child got credentials first").exists();
        assertThat(java.nio.file.Files.readString(ready))
                .contains("assumed-role/" + devRole + "/sentinel." + user + ".d.");

        CliWorld.Result listed = world.sentinel("server-sessions", "--status", "active", "--json");
        String id = listed.out().replaceAll("(?s).*\"id\":\"([a-z2-7]{10})\".*", "$1");
        assertThat(id).matches("[a-z2-7]{10}");
        CliWorld.Result revoked =
                world.sentinel("server-revoke", id, "--reason", "laptop reported stolen", "--profile", "dev-role");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        java.nio.file.Files.writeString(go, "go");

        assertThat(sentinel.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String output = new String(sentinel.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sentinel.exitValue()).as(output).isZero();
        assertThat(output).contains("403", "SESSION_REVOKED", "laptop reported stolen");
        assertThat(world.sentinel("server-session", id).out())
                .contains("\"status\":\"revoked\"", "\"revoked_by\":\"" + user + "\"");
        assertThat(world.logLines()).anySatisfy(line -> assertThat(line)
                .contains("\"code\":\"SESSION_REVOKED\"", "\"session\":\"" + id + "\""));

        CliWorld.Result outsideServer = world.sentinel("credentials", "--profile", "dev-role");
        assertThat(outsideServer.exit()).isEqualTo(3);
        assertThat(outsideServer.err()).contains("SERVER_MODE_REQUIRED");
    }
}
