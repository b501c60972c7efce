package dev.sentinel.signing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.LoadedPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A signature over a policy's exact bytes, bound to the name it governs ({@code binding}: the profile,
 * or {@code default}), so a signature copied to another profile does not verify. What is signed is a
 * short header naming the format, the binding, the SHA-256 of the policy bytes, the time, the key and
 * the algorithm; it stays small enough for KMS's RAW message limit whatever the policy's size.
 */
public record PolicySignature(
        String algorithm, String keyId, Instant signedAt, String binding, String sha256, byte[] signature) {
    public static final String FORMAT = "sentinel-policy-signature/1";
    private static final Pattern BINDING = Pattern.compile("[A-Za-z0-9_.@+=,:/-]{1,128}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public PolicySignature {
        requireNonNull(algorithm, "algorithm is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(signedAt, "signedAt is null");
        requireNonNull(binding, "binding is null");
        requireNonNull(sha256, "sha256 is null");
        signature = requireNonNull(signature, "signature is null").clone();
        if (!BINDING.matcher(binding).matches() || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("malformed binding or hash");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Signs {@code policyText} for {@code binding}. */
    public static PolicySignature sign(PolicySigner signer, String binding, String policyText, Instant now) {
        String sha = LoadedPolicy.sha256Hex(policyText);
        byte[] message = message(binding, sha, now, signer.keyId(), signer.algorithm());
        return new PolicySignature(signer.algorithm(), signer.keyId(), now, binding, sha, signer.sign(message));
    }

    /**
     * Checks that this signature was made by the trusted key, for {@code expectedBinding}, over exactly
     * {@code policyText}.
     *
     * @throws SentinelException POLICY_SIGNATURE_INVALID saying which check failed
     */
    public void verify(SignatureVerifier verifier, String expectedBinding, String policyText, String source) {
        if (!keyId.equals(verifier.keyId())) {
            throw invalid(source, "it was made with key " + keyId + ", not the trusted key " + verifier.keyId());
        }
        if (!binding.equals(expectedBinding)) {
            throw invalid(
                    source,
                    "it was made for '" + binding + "', not for '" + expectedBinding
                            + "' (a signature cannot be moved)");
        }
        if (!sha256.equals(LoadedPolicy.sha256Hex(policyText))) {
            throw invalid(source, "the policy's bytes changed after it was signed");
        }
        if (!verifier.verify(algorithm, message(binding, sha256, signedAt, keyId, algorithm), signature)) {
            throw invalid(source, "the signature does not match (forged, or edited)");
        }
    }

    static byte[] message(String binding, String sha256, Instant signedAt, String keyId, String algorithm) {
        return (FORMAT + "\nbinding=" + binding + "\nsha256=" + sha256 + "\nsigned_at=" + signedAt + "\nkey_id=" + keyId
                        + "\nalgorithm=" + algorithm + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public String toJson() {
        return JsonWriter.object()
                .field("format", FORMAT)
                .field("binding", binding)
                .field("sha256", sha256)
                .field("signed_at", signedAt.toString())
                .field("key_id", keyId)
                .field("algorithm", algorithm)
                .field("signature", Base64.getEncoder().encodeToString(signature))
                .close();
    }

    /** Reads a signature document; a damaged one is an invalid signature, never a crash. */
    public static PolicySignature fromJson(String json, String source) {
        try {
            Object parsed =
                    new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(json);
            if (!(parsed instanceof Map<?, ?> fields) || !FORMAT.equals(fields.get("format"))) {
                throw invalid(source, "it is not a " + FORMAT + " document");
            }
            return new PolicySignature(
                    text(fields, "algorithm"),
                    text(fields, "key_id"),
                    Instant.parse(text(fields, "signed_at")),
                    text(fields, "binding"),
                    text(fields, "sha256"),
                    Base64.getDecoder().decode(text(fields, "signature")));
        } catch (YamlEngineException | DateTimeParseException | IllegalArgumentException | ClassCastException e) {
            throw invalid(source, "it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String text(Map<?, ?> fields, String key) {
        Object value = fields.get(key);
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("missing " + key);
        }
        return s;
    }

    private static SentinelException invalid(String source, String why) {
        return new SentinelException(
                ErrorCode.POLICY_SIGNATURE_INVALID,
                "The signature of policy " + source + " is not valid: " + why + ".",
                "Nothing is issued under an unverified policy. Re-sign it with 'sentinel policy sign' (or push with --sign).");
    }
}
