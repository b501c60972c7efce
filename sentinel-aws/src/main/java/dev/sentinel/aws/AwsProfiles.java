package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.ProfileName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The AWS config and credentials files, read with the SDK's own profile parser. Builds no AWS client,
 * so it is cheap enough for the cached fast path.
 */
public final class AwsProfiles {
    static final Set<String> CREDENTIAL_SOURCES = Set.of("Environment", "Ec2InstanceMetadata", "EcsContainer");
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws(?:-[a-z]+)*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final long MIN_DURATION = 900;
    private static final long MAX_DURATION = 43_200;

    private final AwsEnvironment environment;
    private final ProfileFile file;

    public AwsProfiles(AwsEnvironment environment) {
        this.environment = requireNonNull(environment, "environment is null");
        ProfileFile.Aggregator aggregator = ProfileFile.aggregator();
        addIfPresent(aggregator, environment.credentialsFile(), ProfileFile.Type.CREDENTIALS);
        addIfPresent(aggregator, environment.configFile(), ProfileFile.Type.CONFIGURATION);
        this.file = aggregator.build();
    }

    private static void addIfPresent(ProfileFile.Aggregator aggregator, Path path, ProfileFile.Type type) {
        if (Files.isReadable(path)) {
            try {
                aggregator.addFile(
                        ProfileFile.builder().content(path).type(type).build());
            } catch (RuntimeException e) {
                throw new SentinelException(
                        ErrorCode.PROFILE_INVALID,
                        "Cannot parse " + path + ": " + e.getMessage(),
                        "Fix the syntax of the file; 'aws configure list-profiles' reads it the same way.",
                        e);
            }
        }
    }

    AwsEnvironment environment() {
        return environment;
    }

    ProfileFile file() {
        return file;
    }

    /** The profile, validated with everything it depends on, or a configuration error that says what to fix. */
    public AwsProfile require(ProfileName name) {
        AwsProfile profile = find(name.value())
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.PROFILE_NOT_FOUND,
                        "Profile '" + name + "' is not in " + environment.configFile() + " or "
                                + environment.credentialsFile() + ".",
                        available()));
        validate(profile);
        return profile;
    }

    /** Every profile name in the config and credentials files. */
    public Set<String> names() {
        return Set.copyOf(file.profiles().keySet());
    }

    Optional<AwsProfile> find(String name) {
        return file.profile(name).map(p -> new AwsProfile(p.name(), p.properties()));
    }

    private String available() {
        Set<String> names = new TreeSet<>(file.profiles().keySet());
        return names.isEmpty()
                ? "Create the profile with 'aws configure --profile NAME', or set AWS_CONFIG_FILE."
                : "Profiles available: " + String.join(", ", names) + ".";
    }

    private void validate(AwsProfile profile) {
        AwsProfile current = profile;
        Set<String> seen = new LinkedHashSet<>();
        while (current != null) {
            if (!seen.add(current.name())) {
                throw invalid(
                        profile,
                        "its source_profile chain loops: " + String.join(" -> ", seen) + " -> " + current.name(),
                        "Break the loop so the chain ends in a profile with keys, SSO or credential_process.");
            }
            validateOne(current);
            AwsProfile here = current;
            current = current.roleArn().isPresent()
                            && current.sourceProfile().isPresent()
                            && !current.sourceProfile().get().equals(current.name())
                    ? find(current.sourceProfile().get())
                            .orElseThrow(() -> invalid(
                                    here,
                                    "its source_profile '"
                                            + here.sourceProfile().get() + "' does not exist",
                                    "Add a [" + here.sourceProfile().get()
                                            + "] profile with credentials, or fix the name."))
                    : null;
        }
        if (profile.roleArn().isEmpty()) {
            profile.property("credential_process")
                    .filter(AwsProfiles::callsSentinel)
                    .ifPresent(p -> {
                        throw invalid(
                                profile,
                                "its own credential_process runs Sentinel, which would ask itself for credentials",
                                "Point Sentinel at the profile with role_arn and source_profile, not at the one with credential_process.");
                    });
        }
    }

    private void validateOne(AwsProfile profile) {
        profile.roleArn().ifPresent(arn -> {
            if (!ROLE_ARN.matcher(arn).matches()) {
                throw invalid(
                        profile,
                        "role_arn '" + arn + "' is not an IAM role ARN",
                        "Use arn:aws:iam::<12-digit account>:role/<name>.");
            }
            if (profile.sourceProfile().isPresent()
                    == profile.credentialSource().isPresent()) {
                throw invalid(
                        profile,
                        "a profile with role_arn needs exactly one of source_profile and credential_source",
                        "Add 'source_profile = <profile with your credentials>'.");
            }
        });
        profile.credentialSource().ifPresent(source -> {
            if (!CREDENTIAL_SOURCES.contains(source)) {
                throw invalid(
                        profile,
                        "credential_source '" + source + "' is not supported",
                        "Use one of " + new TreeSet<>(CREDENTIAL_SOURCES) + ".");
            }
        });
        profile.property("duration_seconds").ifPresent(text -> {
            long seconds;
            try {
                seconds = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw invalid(
                        profile, "duration_seconds '" + text + "' is not a number", "Use seconds from 900 to 43200.");
            }
            if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
                throw invalid(
                        profile,
                        "duration_seconds " + seconds + " is outside what STS issues",
                        "Use seconds from 900 to 43200.");
            }
        });
    }

    static boolean callsSentinel(String commandLine) {
        for (String token : commandLine.split("\\s+")) {
            String unquoted = token.replace("\"", "").replace("'", "");
            if (unquoted.equals("sentinel") || unquoted.endsWith("/sentinel") || unquoted.endsWith("sentinel.jar")) {
                return true;
            }
        }
        return false;
    }

    /** The region for calls made for this profile: the profile's, then AWS_REGION / AWS_DEFAULT_REGION. */
    public Optional<String> region(ProfileName name) {
        return find(name.value()).flatMap(AwsProfile::region).or(environment::region);
    }

    private static SentinelException invalid(AwsProfile profile, String why, String hint) {
        return new SentinelException(
                ErrorCode.PROFILE_INVALID, "Profile '" + profile.name() + "' cannot be used: " + why + ".", hint);
    }
}
