package dev.sentinel.session;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import java.time.Instant;

/**
 * Credentials handed out within a server session: the decision that issued them, the SourceIdentity STS
 * stamped on them and the role they belong to, and when they expire. {@code sourceIdentity} and
 * {@code roleArn} are null for GetSessionToken credentials (no role was assumed, so STS stamped nothing);
 * such credentials cannot be ended early by a deny on the role.
 */
public record Issuance(RequestId decision, SourceIdentity sourceIdentity, String roleArn, Instant expiresAt) {
    public Issuance {
        requireNonNull(decision, "decision is null");
        requireNonNull(expiresAt, "expiresAt is null");
        if ((sourceIdentity == null) != (roleArn == null)) {
            throw new IllegalArgumentException("an issuance has both a SourceIdentity and a role, or neither");
        }
    }

    /** What the gate issued for {@code decision}. */
    public static Issuance of(RequestId decision, IssuedCredentials issued) {
        boolean stamped = issued.sourceIdentity() != null && issued.roleArn() != null;
        return new Issuance(
                decision,
                stamped ? issued.sourceIdentity() : null,
                stamped ? issued.roleArn() : null,
                issued.credentials().expiration());
    }

    /** Whether a deny on the role's SourceIdentity can end these credentials. */
    public boolean stamped() {
        return sourceIdentity != null;
    }
}
