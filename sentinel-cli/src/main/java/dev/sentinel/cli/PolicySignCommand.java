package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.local.signing.SidecarSignatures;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.signing.PolicySignature;
import dev.sentinel.signing.PolicySigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sign",
        mixinStandardHelpOptions = true,
        description = {
            "Sign a policy file for the profile (or 'default') it will govern.",
            "The signature covers the file's exact bytes and is bound to --for, so it does not verify for another profile. It records the algorithm, key id, time and content hash. Keys: the local Ed25519 key (created on first use) or an AWS KMS asymmetric key. An invalid policy is not signed.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy sign --for prod prod.yaml            # writes prod.yaml.sig",
            "  sentinel policy sign --for prod --key kms:alias/sentinel-policy --aws-profile admin prod.yaml"
        })
final class PolicySignCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "FILE", description = "The policy file to sign.")
    Path file;

    @Option(
            names = "--for",
            required = true,
            paramLabel = "NAME",
            description = "The profile (or 'default') the policy governs.")
    String binding;

    @Mixin
    SigningKeyOptions keys = new SigningKeyOptions();

    @Option(names = "--output", paramLabel = "SIG", description = "Where to write the signature (default: FILE.sig).")
    Path output;

    PolicySignCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        String text = PolicyFiles.read(file);
        PolicyParser.parse(file.toString(), text);
        Profiles.parse(binding);
        PolicySigner signer = Sentinel.open(platform).signer(keys.key, keys.awsProfile);
        PolicySignature signature =
                PolicySignature.sign(signer, binding, text, platform.clock().instant());
        Path target = output != null ? output : SidecarSignatures.signatureFile(file);
        PrivateFiles.write(target, (signature.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        platform.err()
                .println("signed " + file + " for '" + binding + "' with " + signer.keyId() + " (" + signer.algorithm()
                        + "): " + target);
        return 0;
    }
}
