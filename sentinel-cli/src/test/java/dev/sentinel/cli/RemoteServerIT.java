package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.testing.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel exec --remote-server} with real clients: the packaged launcher runs {@code tvm serve} as
 * one process and {@code exec} as another, and the AWS CLI and boto3 in the child get their credentials
 * through the loopback relay, which proves the user's identity to the server at every refresh.
 */
class RemoteServerIT {
    private static final String LAUNCHER = System.getProperty("sentinel.launcher");
    private static final String PYTHON = System.getProperty("sentinel.test.python", "python3");
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;
    private String alice;
    private String devRole;
    private Process server;
    private String url;

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void serve() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        alice = "alice-" + suffix;
        devRole = "app-dev-" + suffix;
        world = new CliWorld(dir, moto.endpoint())
                .user("tvm-" + suffix)
                .user(alice)
                .roleProfile("dev-role", devRole, alice);
        Files.writeString(
                dir.resolve("profiles.yaml"),
                "version: \"1\"\nprofiles:\n  dev-role:\n    role_arn: " + CliWorld.roleArn(devRole) + "\n");
        world.policy(
                "default",
                "version: \"1\"\nrules:\n  - name: tracked\n    effect: require_server_session\n    conditions:\n"
                        + "      profiles: [dev-role]\n      users: [" + alice + "]\n");
        Path log = dir.resolve("tvm.log");
        ProcessBuilder builder = new ProcessBuilder(
                        LAUNCHER,
                        "tvm",
                        "serve",
                        "--registry",
                        dir.resolve("profiles.yaml").toString(),
                        "--server-id",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--aws-profile",
                        "tvm-" + suffix)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(world.env);
        server = builder.start();
        for (int i = 0; i < 600 && url == null; i++) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                url = m.group(1);
            } else {
                assertThat(server.isAlive())
                        .as(Files.exists(log) ? Files.readString(log) : "")
                        .isTrue();
                Thread.sleep(50);
            }
        }
        assertThat(url).as("the server started").isNotNull();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private CliWorld.Result exec(String... command) {
        java.util.List<String> argv = CliWorld.command(
                LAUNCHER, "exec", "--remote-server", url, "--aws-profile", alice, "--profile", "dev-role", "--");
        argv.addAll(java.util.List.of(command));
        return world.process(Map.of(), argv);
    }

    @Test
    void theAwsCliAndBoto3GetCredentialsFromTheServerStampedWithTheCaller() {
        CliWorld.Result cli = exec("aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        CliWorld.Result boto = exec(
                PYTHON,
                "-c",
                "import boto3, os; assert 'AWS_ACCESS_KEY_ID' not in os.environ;"
                        + " print(boto3.client('sts').get_caller_identity()['Arn'])");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out().trim())
                .startsWith("arn:aws:sts::123456789012:assumed-role/" + devRole + "/sentinel." + alice + ".d.");
        assertThat(cli.err()).containsPattern("session [a-z2-7]{10} on " + Pattern.quote(url));
        assertThat(boto.exit()).as(boto.err()).isZero();
        assertThat(boto.out().trim()).contains("assumed-role/" + devRole + "/sentinel." + alice + ".d.");
        // Each run opened its own session; with 15-minute credentials botocore refreshes at once, so a
        // session may show more than one issue.
        java.util.List<String> issued = world.logLines().stream()
                .filter(line -> line.contains("\"outcome\":\"issued\""))
                .toList();
        assertThat(issued)
                .allSatisfy(line -> assertThat(line).contains("\"mode\":\"server\"", "\"user\":\"" + alice + "\""));
        assertThat(issued.stream()
                        .map(line -> line.replaceAll(".*\"session\":\"([a-z2-7]{10})\".*", "$1"))
                        .distinct())
                .hasSize(2);
        assertThat(world.sentinel("server-sessions", "--json").out()).doesNotContain("\"status\":\"active\"");
    }

    @Test
    void aRevokedSessionIsRefusedAtTheChildsNextRefresh() throws Exception {
        Path ready = dir.resolve("ready");
        Path go = dir.resolve("go");
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
                        LAUNCHER,
                        "exec",
                        "--remote-server",
                        url,
                        "--aws-profile",
                        alice,
                        "--profile",
                        "dev-role",
                        "--",
                        PYTHON,
                        "-c",
                        child)
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(world.env);
        Process exec = builder.start();
        for (int i = 0; i < 600 && !Files.exists(ready); i++) {
            Thread.sleep(50);
        }
        assertThat(ready).as("the child got credentials first").exists();
        assertThat(Files.readString(ready)).contains("assumed-role/" + devRole + "/sentinel." + alice + ".d.");

        String listed = world.sentinel("server-sessions", "--status", "active", "--json")
                .out();
        String id = listed.replaceAll("(?s).*\"id\":\"([a-z2-7]{10})\".*", "$1");
        assertThat(id).matches("[a-z2-7]{10}");
        CliWorld.Result revoked =
                world.sentinel("server-revoke", id, "--reason", "laptop reported stolen", "--profile", "dev-role");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        Files.writeString(go, "go");

        assertThat(exec.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(exec.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exec.exitValue()).as(output).isZero();
        assertThat(output).contains("403", "SESSION_REVOKED", "laptop reported stolen");
        assertThat(world.logLines()).anySatisfy(line -> assertThat(line)
                .contains("\"code\":\"SESSION_REVOKED\"", "\"session\":\"" + id + "\""));
    }

    @Test
    void aPolicyChangeOnTheServerIsRefusedAtTheNextCall() throws IOException {
        assertThat(exec("aws", "sts", "get-caller-identity").exit()).isZero();
        world.policy(
                "default", "version: \"1\"\nrules:\n  - name: closed\n    effect: deny\n    reason: maintenance\n");

        CliWorld.Result refused = exec("aws", "sts", "get-caller-identity");

        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains("POLICY_DENIED", "maintenance");
    }
}
