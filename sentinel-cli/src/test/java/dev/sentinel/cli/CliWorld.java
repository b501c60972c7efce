package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * A throwaway world for driving the real command line: AWS config and credentials files, a Sentinel
 * home, and users and roles seeded in the emulator. Commands run in-process with injected streams, or
 * as real processes (the launcher, the AWS CLI, boto3).
 */
final class CliWorld {
    static final String ACCOUNT = "123456789012";
    static final String TRUST =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                    + ACCOUNT + ":root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";

    final Path root;
    final Path awsConfig;
    final Path awsCredentials;
    final Path home;
    final URI endpoint;
    final Map<String, String> env = new HashMap<>();
    /** The clock of in-process commands; tests move it to expire windows. */
    Clock clock = Clock.systemUTC();

    CliWorld(Path root, URI endpoint) {
        this.root = requireNonNull(root, "root is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.awsConfig = root.resolve("aws/config");
        this.awsCredentials = root.resolve("aws/credentials");
        this.home = root.resolve("sentinel-home");
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", root.toString());
        env.put("AWS_CONFIG_FILE", awsConfig.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", awsCredentials.toString());
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("SENTINEL_HOME", home.toString());
        // Real processes run a new JVM per call; the resident agent has its own tests (RealClientsIT).
        env.put("SENTINEL_AGENT", "off");
        String cds = System.getProperty("sentinel.cds.dir");
        if (cds != null) {
            env.put("SENTINEL_CDS_DIR", cds);
        }
        write(awsConfig, "");
        write(awsCredentials, "");
    }

    IamClient iam() {
        return IamClient.builder()
                .endpointOverride(endpoint)
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates an IAM user with an access key and a credentials-file profile of the same name. */
    CliWorld user(String name) {
        try (IamClient iam = iam()) {
            iam.createUser(b -> b.userName(name));
            AccessKey key = iam.createAccessKey(b -> b.userName(name)).accessKey();
            append(
                    awsCredentials,
                    "[" + name + "]\naws_access_key_id = " + key.accessKeyId() + "\naws_secret_access_key = "
                            + key.secretAccessKey() + "\n\n");
        }
        return this;
    }

    /** Creates a role and a config profile {@code <profile>} that assumes it from {@code sourceProfile}. */
    CliWorld roleProfile(String profile, String roleName, String sourceProfile) {
        try (IamClient iam = iam()) {
            iam.createRole(b -> b.roleName(roleName).assumeRolePolicyDocument(TRUST));
        }
        append(
                awsConfig,
                "[profile " + profile + "]\nrole_arn = " + roleArn(roleName) + "\nsource_profile = " + sourceProfile
                        + "\nregion = us-east-1\n\n");
        return this;
    }

    static String roleArn(String roleName) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + roleName;
    }

    CliWorld config(String text) {
        append(awsConfig, text);
        return this;
    }

    CliWorld policy(String name, String yaml) {
        write(home.resolve("policies").resolve(name + ".yaml"), yaml);
        return this;
    }

    CliWorld sentinelConfig(String yaml) {
        write(home.resolve("config.yaml"), yaml);
        return this;
    }

    Path decisionLog() {
        return home.resolve("logs/decisions.jsonl");
    }

    List<String> logLines() {
        try {
            return Files.exists(decisionLog()) ? Files.readAllLines(decisionLog()) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exit, String out, String err) {}

    /** Runs the command line in this JVM with injected streams and this world's environment. */
    Result sentinel(String... args) {
        return sentinelWith(Map.of(), args);
    }

    Result sentinelWith(Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> merged = new HashMap<>(env);
        merged.putAll(extraEnv);
        int exit = Main.run(
                new Platform(
                        merged,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        clock,
                        root,
                        false),
                args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a real process with this world's environment (plus {@code extraEnv}) and no stdin. */
    Result process(Map<String, String> extraEnv, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(extraEnv);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Path out = Files.createTempFile(root, "out", ".txt");
            Path err = Files.createTempFile(root, "err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
