package dev.sentinel.signing;

/** Port: signs policy-signature messages with one key (a local Ed25519 key, an AWS KMS key, …). */
public interface PolicySigner {
    /** The key's stable identifier, recorded in every signature it makes. */
    String keyId();

    /** The signature algorithm, as recorded (e.g. {@code ED25519}, {@code RSASSA_PSS_SHA_256}). */
    String algorithm();

    byte[] sign(byte[] message);
}
