package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.PolicyParser;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.signing.PolicySignature;
import dev.sentinel.signing.PolicySigner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = {
            "Publish FILE as the policy for NAME (a profile, or 'default').",
            "The policy is validated first, and an invalid one is refused. With --sign, or when policy.signature.required is set, it is signed for NAME before anything is written. The previous version is kept (a .history copy locally, SSM's parameter versions in team mode). If writing fails part way, the previous policy and signature stay in force.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy push prod prod.yaml --sign",
            "  sentinel policy push default team-policy.yaml"
        })
final class PolicyPushCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(index = "0", paramLabel = "NAME", description = "The profile (or 'default') the policy governs.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The policy file to publish.")
    Path file;

    @Option(names = "--sign", description = "Sign the policy for NAME (always done when signatures are required).")
    boolean sign;

    @Mixin
    SigningKeyOptions keys = new SigningKeyOptions();

    PolicyPushCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        String text = PolicyFiles.read(file);
        PolicyParser.parse(file.toString(), text);
        Sentinel sentinel = Sentinel.open(platform);
        String signature = null;
        String signedBy = "";
        if (sign || sentinel.config().signatureRequired()) {
            PolicySigner signer = sentinel.signer(keys.key, keys.awsProfile);
            signature = PolicySignature.sign(
                            signer, name, text, platform.clock().instant())
                    .toJson();
            signedBy = ", signed by " + signer.keyId();
        }
        PolicyStore store = sentinel.store(Profiles.parse(name));
        store.write(name, text, signature);
        platform.err().println("pushed " + file + " to " + store.location(name) + signedBy);
        return 0;
    }
}
