package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policy lint}: the checks of {@code policy validate}, under the name people look for. */
@Command(
        name = "lint",
        mixinStandardHelpOptions = true,
        description = {
            "Lint policy files: unreachable-rule, allow-before-deny, require-server-shadowed, overlapping-time-windows and unknown-profile, each naming the rules, lines and a fix. Exits 0 with warnings, 5 with --strict or when a file is invalid.",
        },
        footer = {"", "Example:", "  sentinel policy lint --strict ~/.sentinel/policies/default.yaml"})
final class PolicyLintCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files to lint.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--strict", description = "Exit 5 when there is any warning.")
    boolean strict;

    @Option(names = "--json", description = "Print a JSON report (schemaVersion 1).")
    boolean json;

    @Option(names = "--no-aws-config", description = "Do not compare profile names with the AWS config.")
    boolean noAwsConfig;

    PolicyLintCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        return PolicyValidateCommand.check(platform, files, strict, json, noAwsConfig);
    }
}
