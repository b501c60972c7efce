package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

    @Mixin
    PolicyCheckOptions options = new PolicyCheckOptions();

    PolicyLintCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        return PolicyValidateCommand.check(platform, options.files, options.strict, options.json, options.noAwsConfig);
    }
}
