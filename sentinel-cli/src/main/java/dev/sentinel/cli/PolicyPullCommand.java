package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.local.signing.SidecarSignatures;
import dev.sentinel.policy.PolicyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = {
            "Fetch the published policy NAME (a profile, or 'default') from the policy store.",
            "The store is the local policy directory, or SSM Parameter Store in team mode. The exact text goes to stdout, or to --output together with its signature (FILE.sig).",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy pull prod > prod.yaml",
            "  sentinel policy pull prod --output prod.yaml"
        })
final class PolicyPullCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "NAME", description = "The profile (or 'default') whose policy to fetch.")
    String name;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "Write the policy (and FILE.sig) here instead of stdout.")
    Path output;

    PolicyPullCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        PolicyStore store = Sentinel.open(platform).store(Profiles.parse(name));
        PolicyStore.Stored stored = store.read(name)
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.POLICY_NOT_FOUND,
                        "There is no published policy " + store.location(name) + ".",
                        "Publish one with 'sentinel policy push " + name + " FILE'."));
        if (output == null) {
            platform.out().print(stored.text());
            platform.out().flush();
        } else {
            PrivateFiles.write(output, stored.text().getBytes(StandardCharsets.UTF_8));
            if (stored.signature() != null) {
                PrivateFiles.write(
                        SidecarSignatures.signatureFile(output),
                        stored.signature().getBytes(StandardCharsets.UTF_8));
            }
            platform.err()
                    .println("pulled " + stored.location() + " to " + output
                            + (stored.signature() != null ? " (with signature)" : ""));
        }
        return 0;
    }
}
