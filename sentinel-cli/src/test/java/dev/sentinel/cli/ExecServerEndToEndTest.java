package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.aws.testing.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exec --server} through the real command line against the emulator, with curl as the child: the
 * Unix-socket mode, and credentials reused within one server run while every request is still decided.
 */
class ExecServerEndToEndTest {
    private static final Pattern ACCESS_KEY = Pattern.compile("\"AccessKeyId\":\"(ASIA\\w+)\"");
    private static final String SERVER_ONLY =
            "version: \"1\"\nrules:\n  - name: server-only\n    effect: require_server\n";
    private static MotoServer moto;

    @TempDir
    Path dir;

    private CliWorld world;

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
        world = new CliWorld(dir, moto.endpoint())
                .user("alice-" + suffix)
                .roleProfile("dev-role", "app-dev-" + suffix, "alice-" + suffix)
                .policy("dev-role", SERVER_ONLY);
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    private static String accessKey(String json) {
        Matcher m = ACCESS_KEY.matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    private List<String> serverLines(String outcome) {
        return world.logLines().stream()
                .filter(l -> l.contains("\"mode\":\"server\"") && l.contains("\"outcome\":\"" + outcome + "\""))
                .toList();
    }

    @Test
    void socketRequiresServer() {
        CliWorld.Result result = world.sentinel("exec", "--socket", "--profile", "dev-role", "--", "true");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--socket only applies to --server");
    }

    @Test
    void theSocketServesCurlOnlyAndIsRemovedWhenTheChildExits() throws IOException {
        String curl = "curl -sS --fail --unix-socket \"$SENTINEL_CREDENTIALS_SOCKET\""
                + " -H \"Authorization: $SENTINEL_CREDENTIALS_TOKEN\" http://localhost/credentials";
        String child = String.join(
                " && ",
                "echo \"$SENTINEL_CREDENTIALS_SOCKET\" > socket.txt",
                "env > env.txt",
                curl + " > first.json",
                curl + " > second.json",
                "curl -s -o /dev/null -w '%{http_code}' --unix-socket \"$SENTINEL_CREDENTIALS_SOCKET\""
                        + " -H 'Authorization: wrong' http://localhost/credentials > wrong.txt");

        CliWorld.Result run = world.sentinel(
                "exec",
                "--server",
                "--socket",
                "--profile",
                "dev-role",
                "--",
                "sh",
                "-c",
                "cd '" + dir + "' && " + child);

        assertThat(run.exit()).as(run.err()).isZero();
        String first = accessKey(read("first.json"));
        assertThat(accessKey(read("second.json"))).isEqualTo(first);
        assertThat(read("wrong.txt")).isEqualTo("401");
        assertThat(read("env.txt"))
                .contains("SENTINEL_CREDENTIALS_TOKEN=")
                .doesNotContain("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        Path socket = Path.of(read("socket.txt").strip());
        assertThat(socket.getFileName()).hasToString("credentials.sock");
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).doesNotExist();
        assertThat(serverLines("issued")).hasSize(2);
        assertThat(world.sentinel("server-sessions", "--json").out()).contains("\"request_count\":2");
    }

    @Test
    void credentialsAreReusedWithinARunUntilADenyDropsThem() throws IOException {
        Path policy = world.home.resolve("policies/dev-role.yaml");
        String curl = "curl -s -w '\\n%{http_code}' -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\""
                + " \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"";
        String deny = "version: \"1\"\nrules:\n  - name: closed\n    effect: deny\n    reason: incident\n";
        String child = String.join(
                " && ",
                curl + " > first.json",
                curl + " > second.json",
                "printf '%s' '" + deny + "' > '" + policy + "'",
                curl + " > denied.json",
                "printf '%s' '" + SERVER_ONLY + "' > '" + policy + "'",
                curl + " > third.json");

        CliWorld.Result run = world.sentinel(
                "exec", "--server", "--profile", "dev-role", "--", "sh", "-c", "cd '" + dir + "' && " + child);

        assertThat(run.exit()).as(run.err()).isZero();
        String first = accessKey(read("first.json"));
        assertThat(accessKey(read("second.json"))).as("reused within the run").isEqualTo(first);
        assertThat(read("denied.json")).contains("POLICY_DENIED", "incident").endsWith("403");
        assertThat(accessKey(read("third.json")))
                .as("fetched anew after the deny")
                .isNotEqualTo(first);
        List<String> issued = serverLines("issued");
        assertThat(issued).hasSize(3);
        assertThat(issued.get(0)).contains("\"cached\":false");
        assertThat(issued.get(1)).contains("\"cached\":true");
        assertThat(issued.get(2)).contains("\"cached\":false");
        assertThat(serverLines("refused")).singleElement().asString().contains("\"code\":\"POLICY_DENIED\"");
        assertThat(world.sentinel("server-sessions", "--json").out()).contains("\"request_count\":3");
    }
}
