package dev.sentinel.local.signing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.signing.PolicySigner;
import dev.sentinel.signing.SignatureVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * The embedded default policy-signing key: Ed25519 from the JDK, the private key owner-only in the
 * Sentinel home (created on first use), the public key beside it for anyone who verifies. Its id is
 * {@code ed25519:} and 16 hex digits of the public key's SHA-256.
 */
public final class Ed25519PolicyKey implements PolicySigner, SignatureVerifier {
    public static final String ALGORITHM = "ED25519";

    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final String keyId;

    private Ed25519PolicyKey(PublicKey publicKey, PrivateKey privateKey) {
        this.publicKey = requireNonNull(publicKey, "publicKey is null");
        this.privateKey = privateKey;
        this.keyId = "ed25519:"
                + LoadedPolicy.sha256Hex(HexFormat.of().formatHex(publicKey.getEncoded()))
                        .substring(0, 16);
    }

    /** The signing key, created (with its public half) when there is none yet. */
    public static Ed25519PolicyKey loadOrCreate(Path privateKeyFile, Path publicKeyFile) {
        try {
            if (!Files.exists(privateKeyFile)) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                if (PrivateFiles.createNew(privateKeyFile, pair.getPrivate().getEncoded())) {
                    PrivateFiles.write(publicKeyFile, pair.getPublic().getEncoded());
                }
            }
            PrivateFiles.requireOwnerOnly(privateKeyFile);
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey =
                    factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateKeyFile)));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicKeyFile)));
            return new Ed25519PolicyKey(publicKey, privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR,
                    "Cannot use the policy signing key " + privateKeyFile + ": " + e.getMessage(),
                    "Restore the key files, or remove both to create a new key (existing signatures then need re-signing).",
                    e);
        }
    }

    /** A verifier for the public key in {@code publicKeyFile}. */
    public static Ed25519PolicyKey verifier(Path publicKeyFile) {
        try {
            return new Ed25519PolicyKey(
                    KeyFactory.getInstance("Ed25519")
                            .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicKeyFile))),
                    null);
        } catch (NoSuchFileException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "There is no policy public key at " + publicKeyFile + ".",
                    "Sign a policy once to create the key pair, or copy the signer's public key there.");
        } catch (IOException | GeneralSecurityException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read the policy public key " + publicKeyFile + ": " + e.getMessage(),
                    "Copy the signer's public key file there again.",
                    e);
        }
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public byte[] sign(byte[] message) {
        if (privateKey == null) {
            throw new IllegalStateException("this key can only verify");
        }
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    @Override
    public boolean verify(String algorithm, byte[] message, byte[] signature) {
        if (!ALGORITHM.equals(algorithm)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
