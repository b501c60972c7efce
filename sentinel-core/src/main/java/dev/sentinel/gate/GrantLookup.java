package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.ProfileName;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: the ways past a refusing policy decision. The gate asks only after the access policy said
 * {@code require_approval} (for an approval) or refused outright (for break-glass), and a window found here
 * is checked against its own workflow's policy by the implementation.
 */
public interface GrantLookup {
    GrantLookup NONE = new GrantLookup() {
        @Override
        public Optional<Window> approval(String user, ProfileName profile, Instant now) {
            return Optional.empty();
        }

        @Override
        public Optional<RequestId> pendingApproval(String user, ProfileName profile, Instant now) {
            return Optional.empty();
        }

        @Override
        public Optional<Window> breakGlass(String user, ProfileName profile, Instant now) {
            return Optional.empty();
        }
    };

    /** An open access window: how it was granted and when it closes. */
    record Window(Grant grant, Instant end) {
        public Window {
            requireNonNull(grant, "grant is null");
            requireNonNull(end, "end is null");
        }
    }

    /** The approved request whose access window is open for {@code user} on {@code profile} at {@code now}. */
    Optional<Window> approval(String user, ProfileName profile, Instant now);

    /** A request of {@code user} for {@code profile} still waiting for approval, to point the user at it. */
    Optional<RequestId> pendingApproval(String user, ProfileName profile, Instant now);

    /** The active break-glass event of {@code user} on {@code profile} at {@code now}. */
    Optional<Window> breakGlass(String user, ProfileName profile, Instant now);
}
