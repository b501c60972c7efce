package dev.sentinel.mfa;

import dev.sentinel.identity.RequestId;
import java.util.Optional;

/**
 * Port: the durable state that makes one-time codes one-time (kept beside break-glass events).
 *
 * <p>Every method throws {@link dev.sentinel.error.SentinelException} with {@code STATE_STORE_UNAVAILABLE}
 * when the store cannot be reached.
 */
public interface MfaStore {
    /**
     * Records that {@code user} presented the TOTP code of time step {@code step}, atomically and only if
     * no code of this step or a later one was accepted for that user before.
     *
     * @return false when the step (or a later one) was already used: a replay
     */
    boolean claimTotpStep(String user, long step);

    /** Stores a new challenge. */
    void saveChallenge(MfaChallenge challenge);

    /**
     * Removes and returns the challenge, atomically: of two callers at most one gets it. A challenge is
     * good for one attempt, right or wrong.
     */
    Optional<MfaChallenge> takeChallenge(RequestId id);
}
