package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.mfa.MfaResponse;
import dev.sentinel.policy.ProfileName;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "breakglass",
        mixinStandardHelpOptions = true,
        description = {
            "Open an emergency access window on a profile that the access policy refuses you.",
            "The break-glass policy decides who may, with which reason codes, when, for how long and with which second factor."
                    + " The event is logged and notified at once; credentials issued in the window carry the break-glass marker"
                    + " in their SourceIdentity. Prints the event id on stdout.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel breakglass --profile prod-admin --reason-code incident --justification \"INC-1234: database down, primary on-call unreachable\" --mfa-code 123456",
            "  sentinel breakglass --profile prod-admin --reason-code incident --justification \"...\" --mfa-sms",
            "  sentinel breakglass --profile prod-admin --reason-code incident --justification \"...\" --mfa-challenge-id k3v9q2m7xa --mfa-code 654321"
        })
final class BreakGlassCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--profile", required = true, paramLabel = "PROFILE", description = "The AWS profile to open.")
    String profile;

    @Option(
            names = "--reason-code",
            required = true,
            paramLabel = "CODE",
            description = "incident, maintenance, security, recovery or other.")
    String reasonCode;

    @Option(
            names = "--justification",
            required = true,
            paramLabel = "TEXT",
            description = "What is broken and why normal access is not enough (20 to 1000 characters).")
    String justification;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "How long the window lasts (default: 1h or the rule's maximum if lower; at most 4h).")
    String duration;

    @Option(
            names = "--mfa-code",
            paramLabel = "CODE",
            description = "Your TOTP code, or the SMS code with --mfa-challenge-id.")
    String mfaCode;

    @Option(
            names = "--mfa-challenge-id",
            paramLabel = "ID",
            description = "The challenge id printed when the SMS code was sent.")
    String challenge;

    @Option(names = "--mfa-sms", description = "Send a code by SMS instead of using a TOTP code.")
    boolean sms;

    @Option(names = "--json", description = "Print the event as a JSON document instead of its id.")
    boolean json;

    BreakGlassCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        ReasonCode code = ReasonCode.fromYaml(reasonCode)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.USAGE,
                        "Unknown reason code '" + reasonCode + "'.",
                        "Use one of "
                                + Arrays.stream(ReasonCode.values())
                                        .map(ReasonCode::yamlName)
                                        .toList() + "."));
        MfaResponse response = mfaResponse();
        Sentinel sentinel = Sentinel.open(platform);
        ProfileName target = Profiles.parse(profile);
        CallerIdentity invoker = sentinel.uncachedIdentity().resolve(target);
        BreakGlassEvent event = sentinel.breakGlass()
                .invoke(
                        invoker,
                        target,
                        code,
                        justification,
                        duration == null ? null : WorkflowRendering.duration(duration, "--duration"),
                        response);
        platform.out().println(json ? WorkflowRendering.json(event) : event.id().value());
        platform.err()
                .println("break-glass " + event.id() + " is open on profile '" + event.profile() + "' until "
                        + event.expiresAt() + (event.escalated() ? " (escalated)" : "")
                        + "; close it with 'sentinel breakglass-close " + event.id() + " --reason ...'");
        return 0;
    }

    private MfaResponse mfaResponse() {
        if (sms && (mfaCode != null || challenge != null)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "--mfa-sms asks for a new code; it cannot go with --mfa-code or --mfa-challenge-id.",
                    "Run once with --mfa-sms, then again with --mfa-challenge-id and --mfa-code.");
        }
        if (challenge != null && mfaCode == null) {
            throw new SentinelException(
                    ErrorCode.USAGE, "--mfa-challenge-id needs --mfa-code.", "Pass the code you received by SMS.");
        }
        if (sms) {
            return MfaResponse.sendSmsCode();
        }
        if (mfaCode == null) {
            return null;
        }
        return challenge == null
                ? MfaResponse.totp(mfaCode)
                : MfaResponse.sms(WorkflowRendering.id(challenge, "a challenge"), mfaCode);
    }
}
