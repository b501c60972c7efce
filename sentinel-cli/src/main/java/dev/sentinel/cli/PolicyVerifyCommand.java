package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.local.signing.SidecarSignatures;
import dev.sentinel.signing.PolicySignature;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verify a policy file's signature.",
            "The signature must be made by the trusted key, for the profile given with --for, over exactly this file's bytes. Exits 0 when valid and 5 (POLICY_SIGNATURE_INVALID) with the reason when not.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy verify --for prod prod.yaml",
            "  sentinel policy verify --for prod --public-key signer.pub --signature prod.yaml.sig prod.yaml"
        })
final class PolicyVerifyCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(paramLabel = "FILE", description = "The policy file.")
    Path file;

    @Option(
            names = "--for",
            required = true,
            paramLabel = "NAME",
            description = "The profile (or 'default') the policy must be signed for.")
    String binding;

    @Option(names = "--signature", paramLabel = "SIG", description = "The signature file (default: FILE.sig).")
    Path signatureFile;

    @Mixin
    SigningKeyOptions keys = new SigningKeyOptions();

    @Option(
            names = "--public-key",
            paramLabel = "PUB",
            description = "An Ed25519 public key file to trust instead of this machine's.")
    Path publicKey;

    PolicyVerifyCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        Path sig = signatureFile != null ? signatureFile : SidecarSignatures.signatureFile(file);
        PolicySignature signature = PolicySignature.fromJson(PolicyFiles.read(sig), file.toString());
        signature.verify(
                Sentinel.open(platform).verifier(keys.key, keys.awsProfile, publicKey),
                binding,
                PolicyFiles.read(file),
                file.toString());
        platform.out()
                .println("OK: " + file + " is signed for '" + binding + "' by " + signature.keyId() + " ("
                        + signature.algorithm() + ") at " + signature.signedAt());
        return 0;
    }
}
