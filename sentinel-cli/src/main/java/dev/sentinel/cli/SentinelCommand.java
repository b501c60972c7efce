package dev.sentinel.cli;

import picocli.CommandLine.Command;

@Command(
        name = "sentinel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A policy gate in front of AWS credentials: credentials exist only when policy allows them.",
            "Sentinel learns who is asking from AWS (STS GetCallerIdentity), evaluates the policy for the profile, and only on allow obtains short-lived STS credentials stamped with a SourceIdentity.",
        },
        footer = {
            "",
            "Example, in ~/.aws/config:",
            "  [profile prod]",
            "  credential_process = sentinel credentials --profile prod-role",
            "",
            "Environment: SENTINEL_HOME (default ~/.sentinel) holds config.yaml, policies/, logs/, keys/, cache/.",
            "Exit codes: 0 ok, 1 internal error, 2 usage, 3 denied by policy, 4 approval required,",
            "            5 configuration error, 6 AWS or network error.",
        })
final class SentinelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
