package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.ConfigFingerprint;
import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Exercises the credential_process fast path once, so the launcher can record a class-data-sharing
 * archive of exactly the classes that path loads. Everything happens in a temporary Sentinel home with
 * a throwaway AWS config; identity and credentials come from stand-ins, so nothing reaches AWS and no
 * real log, cache or key is touched. {@code --with-sts} adds a call that must reach STS (to a closed
 * loopback port), which takes a fetch from STS from about 580 to about 300-390 ms (docs/performance.md).
 */
@Command(
        name = "train-startup",
        hidden = true,
        description = "Record the startup archive's workload (used by bin/sentinel).")
final class TrainStartupCommand implements Callable<Integer> {
    private static final String POLICY =
            """
            version: "1"
            rules:
              - name: office-hours
                effect: allow
                conditions:
                  profiles: [train-role]
                  users: [trainer]
                  time: {days: [monday, tuesday, wednesday, thursday, friday], hours: {start: "00:00", end: "24:00"}, timezone: Europe/Berlin}
              - name: weekend
                effect: allow
                conditions:
                  profiles: ["train-*"]
                  mode: [credential_process, cli]
              - name: closed
                effect: deny
                conditions:
                  profiles: [train-closed]
                reason: closed
            """;

    private final Platform platform;

    @picocli.CommandLine.Option(
            names = "--with-sts",
            description = "Also record the classes of a call that reaches STS.")
    boolean withSts;

    TrainStartupCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("sentinel-train-");
        try {
            Files.createDirectories(dir.resolve("home/policies"));
            Files.writeString(dir.resolve("home/policies/default.yaml"), POLICY);
            Files.writeString(
                    dir.resolve("config"),
                    "[profile train-role]\nrole_arn = arn:aws:iam::123456789012:role/train\n"
                            + "source_profile = train-base\nregion = us-east-1\n\n[profile train-closed]\n"
                            + "role_arn = arn:aws:iam::123456789012:role/closed\nsource_profile = train-base\n");
            Files.writeString(
                    dir.resolve("credentials"),
                    "[train-base]\naws_access_key_id = AKIATRAINING\naws_secret_access_key = training\n");
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            Platform training = new Platform(
                    Map.of(
                            "SENTINEL_HOME",
                            dir.resolve("home").toString(),
                            "AWS_CONFIG_FILE",
                            dir.resolve("config").toString(),
                            "AWS_SHARED_CREDENTIALS_FILE",
                            dir.resolve("credentials").toString()),
                    nowhere,
                    nowhere,
                    platform.clock(),
                    dir,
                    false);
            AwsEnvironment environment = new AwsEnvironment(training.env(), dir);
            StandIns standIns = new StandIns(new AwsProfiles(environment), new ConfigFingerprint(environment));
            for (String profile : new String[] {"train-role", "train-role", "train-closed"}) {
                CredentialsCommand command = new CredentialsCommand(training, p -> Sentinel.open(p, standIns));
                command.profile = profile;
                command.call();
            }
            Main.commandLine(training).execute("--version");
            if (withSts) {
                trainStsPath(training);
            }
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(TrainStartupCommand::delete);
            }
        }
    }

    /**
     * Builds the real STS client and issuer and calls a loopback port nothing listens on, so the classes
     * of a call that must reach STS (request marshalling, signing, the HTTP client) are recorded too.
     * The calls fail at once with AWS_UNREACHABLE; nothing leaves the machine.
     */
    private static void trainStsPath(Platform training) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(training.env());
        try (java.net.ServerSocket closed =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closed.getLocalPort());
        }
        Platform offline =
                new Platform(env, training.out(), training.err(), training.clock(), training.userHome(), false);
        AwsWiring aws = new AwsWiring(offline);
        ProfileName profile = new ProfileName("train-role");
        CallerIdentity caller = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/trainer");
        try {
            aws.identities().resolve(profile);
        } catch (SentinelException expected) {
            // AWS_UNREACHABLE: the point was to load the classes on the way there.
        }
        try {
            aws.issuer()
                    .issue(new dev.sentinel.credentials.IssueRequest(
                            profile,
                            caller,
                            dev.sentinel.identity.SourceIdentity.of(
                                    "trainer",
                                    dev.sentinel.identity.Grant.DIRECT,
                                    dev.sentinel.identity.RequestId.random()),
                            null));
        } catch (SentinelException expected) {
            // as above
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Real profile parsing; a fixed caller and fixed credentials instead of STS. */
    private record StandIns(AwsProfiles profiles, ConfigFingerprint fingerprints) implements AwsAdapters {
        @Override
        public String fingerprint(ProfileName profile) {
            return fingerprints.of(profile);
        }

        @Override
        public Optional<String> region(ProfileName profile) {
            return profiles.region(profile);
        }

        @Override
        public Set<String> profileNames() {
            return profiles.names();
        }

        @Override
        public IdentityResolver identities() {
            return profile -> CallerIdentity.fromArn("arn:aws:iam::123456789012:user/trainer");
        }

        @Override
        public CredentialIssuer issuer() {
            return request -> new IssuedCredentials(
                    new AwsCredentials(
                            "ASIATRAINING",
                            "training",
                            "training",
                            java.time.Instant.now().plus(Duration.ofHours(1))),
                    request.sourceIdentity(),
                    "arn:aws:iam::123456789012:role/train",
                    false);
        }

        @Override
        public PolicySource ssmPolicies(String prefix, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.signing.SignatureLookup ssmSignatures(String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.policy.PolicyStore ssmStore(ProfileName callerProfile, String prefix, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.session.SessionStore dynamoSessions(ProfileName awsProfile, String table, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.aws.KmsPolicyKey kmsKey(ProfileName awsProfile, String keyId) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.session.SourceIdentityRevoker iamRevoker(ProfileName awsProfile) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.approval.ApprovalStore dynamoApprovals(
                ProfileName awsProfile, String table, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.aws.DynamoDbBreakGlassStore dynamoBreakGlass(
                ProfileName awsProfile, String table, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.mfa.CodeSender smsSender(ProfileName awsProfile, String region) {
            throw localOnly();
        }

        @Override
        public dev.sentinel.notify.Notifier snsNotifier(
                ProfileName awsProfile, String region, String topicArn, java.util.function.Consumer<String> warnings) {
            throw localOnly();
        }

        private static SentinelException localOnly() {
            return new SentinelException(ErrorCode.INTERNAL_ERROR, "training uses local policies and keys only", "");
        }
    }
}
