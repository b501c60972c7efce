package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.ProfileName;
import dev.sentinel.signing.PolicySigner;
import dev.sentinel.signing.SignatureVerifier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsInvalidSignatureException;
import software.amazon.awssdk.services.kms.model.MessageType;

/**
 * A policy-signing key in AWS KMS (team mode): an asymmetric SIGN_VERIFY key, RSA (signed with
 * RSASSA_PSS_SHA_256) or ECC NIST P-256/384/521 (ECDSA_SHA_256/384/512). Its id is the key's ARN.
 * Signatures are over the short signature header, so KMS's 4 KB RAW message limit never binds.
 */
public final class KmsPolicyKey implements PolicySigner, SignatureVerifier {
    private final KmsClient kms;
    private final String keyArn;
    private final String algorithm;
    private final String endpoint;

    private KmsPolicyKey(KmsClient kms, String keyArn, String algorithm, String endpoint) {
        this.kms = kms;
        this.keyArn = keyArn;
        this.algorithm = algorithm;
        this.endpoint = endpoint;
    }

    /** Looks the key up (id, alias or ARN) with a server's own credentials ({@link AwsClients#forService}). */
    public static KmsPolicyKey openForService(AwsClients clients, String keyId) {
        return open(clients, clients.requireService(), keyId);
    }

    /** Looks the key up (id, alias or ARN) with the base credentials of {@code profile}. */
    public static KmsPolicyKey open(AwsClients clients, ProfileName profile, String keyId) {
        requireNonNull(keyId, "keyId is null");
        KmsClient kms = clients.kms(profile);
        String endpoint = clients.endpointDescription(profile, "KMS");
        try {
            KeyMetadata key = kms.describeKey(b -> b.keyId(keyId)).keyMetadata();
            String spec = key.keySpecAsString();
            String algorithm = spec.startsWith("RSA_")
                    ? "RSASSA_PSS_SHA_256"
                    : spec.equals("ECC_NIST_P384")
                            ? "ECDSA_SHA_384"
                            : spec.equals("ECC_NIST_P521") ? "ECDSA_SHA_512" : "ECDSA_SHA_256";
            return new KmsPolicyKey(kms, key.arn(), algorithm, endpoint);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "look up KMS key " + keyId, endpoint);
        }
    }

    @Override
    public String keyId() {
        return keyArn;
    }

    @Override
    public String algorithm() {
        return algorithm;
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            return kms.sign(b -> b.keyId(keyArn)
                            .message(SdkBytes.fromByteArray(message))
                            .messageType(MessageType.RAW)
                            .signingAlgorithm(algorithm))
                    .signature()
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "sign with KMS key " + keyArn, endpoint);
        }
    }

    @Override
    public boolean verify(String signedWith, byte[] message, byte[] signature) {
        if (!algorithm.equals(signedWith)) {
            return false;
        }
        try {
            return kms.verify(b -> b.keyId(keyArn)
                            .message(SdkBytes.fromByteArray(message))
                            .messageType(MessageType.RAW)
                            .signature(SdkBytes.fromByteArray(signature))
                            .signingAlgorithm(algorithm))
                    .signatureValid();
        } catch (KmsInvalidSignatureException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "verify with KMS key " + keyArn, endpoint);
        }
    }
}
