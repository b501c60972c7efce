package dev.sentinel.signing;

/** Port: checks signatures made by the one key this verifier trusts. */
public interface SignatureVerifier {
    /** The identifier of the trusted key; a signature naming another key is refused before any check. */
    String keyId();

    /** Whether {@code signature} is a valid signature of {@code message} with {@code algorithm}. */
    boolean verify(String algorithm, byte[] message, byte[] signature);
}
