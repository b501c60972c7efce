package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Outcome;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.Mode;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "credentials",
        mixinStandardHelpOptions = true,
        description = {
            "Print credentials for PROFILE in the credential_process format, if policy allows.",
            "Stdout carries only the credential JSON; messages go to stderr. On refusal nothing is printed on stdout and the exit code says why (3 denied, 4 approval required, 5 configuration, 6 AWS).",
        },
        footer = {
            "",
            "Example, in ~/.aws/config:",
            "  [profile prod-role]",
            "  role_arn = arn:aws:iam::111122223333:role/Ops",
            "  source_profile = base",
            "",
            "  [profile prod]",
            "  credential_process = sentinel credentials --profile prod-role",
            "",
            "Then 'aws --profile prod s3 ls' asks Sentinel first.",
        })
final class CredentialsCommand implements Callable<Integer> {
    private final Platform platform;
    private final Function<Platform, Sentinel> opener;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "PROFILE",
            description = "AWS config profile to issue credentials for.")
    String profile;

    @Option(
            names = "--dry-run",
            description = "Decide and log as a dry run; print the decision instead of credentials.")
    boolean dryRun;

    CredentialsCommand(Platform platform) {
        this(platform, Sentinel::open);
    }

    CredentialsCommand(Platform platform, Function<Platform, Sentinel> opener) {
        this.platform = requireNonNull(platform, "platform is null");
        this.opener = requireNonNull(opener, "opener is null");
    }

    @Override
    public Integer call() {
        Nesting.refuseInsideExec(platform);
        Sentinel sentinel = opener.apply(platform);
        Outcome outcome = sentinel.gate()
                .request(new AccessRequest(Profiles.parse(profile), Mode.CREDENTIAL_PROCESS, null, dryRun));
        if (outcome instanceof Outcome.DryRun dry) {
            return dryRun(dry);
        }
        if (outcome instanceof Outcome.Issued issued) {
            platform.out().println(credentialProcessJson(issued.credentials().credentials()));
            platform.out().flush();
            return 0;
        }
        Outcome.Refused refused = (Outcome.Refused) outcome;
        return Errors.refused(platform.err(), refused);
    }

    private int dryRun(Outcome.DryRun dry) {
        String rule = dry.decision().matched() ? "rule '" + dry.decision().ruleName() + "'" : "no rule (default deny)";
        if (dry.wouldRefuse() == null) {
            platform.out()
                    .println("would issue: " + rule + " allows user '"
                            + dry.caller().user() + "' on profile '" + profile + "'");
        } else {
            platform.out()
                    .println("would refuse (" + dry.wouldRefuse().code() + "): "
                            + dry.wouldRefuse().message());
        }
        platform.out()
                .println("decision id: " + dry.decisionId().value() + " (logged as a dry run; nothing was issued)");
        return dry.wouldRefuse() == null ? 0 : dry.wouldRefuse().code().exitCode();
    }

    /** The credential_process output format read by the AWS CLI and SDKs (DESIGN.md 4.5). */
    static String credentialProcessJson(AwsCredentials credentials) {
        return JsonWriter.object()
                .field("Version", 1)
                .field("AccessKeyId", credentials.accessKeyId())
                .field("SecretAccessKey", credentials.secretAccessKey())
                .field("SessionToken", credentials.sessionToken())
                .field("Expiration", credentials.expiration().toString())
                .close();
    }
}
