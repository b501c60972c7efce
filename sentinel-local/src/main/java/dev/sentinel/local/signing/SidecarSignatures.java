package dev.sentinel.local.signing;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.signing.SignatureLookup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Signatures of local policy files, kept beside them: {@code prod.yaml} is signed by {@code prod.yaml.sig}. */
public final class SidecarSignatures implements SignatureLookup {
    public static Path signatureFile(Path policyFile) {
        return policyFile.resolveSibling(policyFile.getFileName() + ".sig");
    }

    /** The name a policy file governs: its file name without {@code .yaml}. */
    public static String bindingOf(Path policyFile) {
        String name = policyFile.getFileName().toString();
        return name.endsWith(".yaml") ? name.substring(0, name.length() - 5) : name;
    }

    @Override
    public Optional<String> signatureOf(ProfileName requester, LoadedPolicy policy) {
        Path file = signatureFile(Path.of(policy.source()));
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.POLICY_SIGNATURE_INVALID,
                    "Cannot read the signature " + file + ": " + e.getMessage(),
                    "Check the file's permissions.",
                    e);
        }
    }

    @Override
    public String bindingOf(LoadedPolicy policy) {
        return bindingOf(Path.of(policy.source()));
    }
}
