package dev.sentinel.mfa;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.RequestId;
import java.time.Instant;

/**
 * A one-time code sent to a user (by SMS), kept between the command that sends it and the command that
 * presents it. Only a salted hash of the code is stored ({@code codeHash}, hex), never the code.
 */
public record MfaChallenge(RequestId id, String user, String method, String codeHash, Instant expiresAt) {
    public MfaChallenge {
        requireNonNull(id, "id is null");
        requireNonNull(user, "user is null");
        requireNonNull(method, "method is null");
        requireNonNull(codeHash, "codeHash is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
