package dev.sentinel.identity;

/** Port: signs a fresh {@link IdentityProof} with the caller's own AWS credentials, for one server. */
public interface IdentityProver {
    /**
     * @param serverId the id of the server the proof is for; it is signed into the proof
     * @throws dev.sentinel.error.SentinelException when the caller's credentials cannot be found
     */
    IdentityProof prove(String serverId);
}
