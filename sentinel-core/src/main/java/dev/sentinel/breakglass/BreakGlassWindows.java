package dev.sentinel.breakglass;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent.Status;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.store.Page;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read side of break-glass that the gate needs: the active event that opens a window. It only reads,
 * so a server that honours break-glass (the Lambda function) needs no second factor, notifier or writes.
 */
public final class BreakGlassWindows {
    private static final int PAGE = 200;

    private final BreakGlassStore store;
    private final Supplier<BreakGlassPolicy> policy;

    public BreakGlassWindows(BreakGlassStore store, Supplier<BreakGlassPolicy> policy) {
        this.store = requireNonNull(store, "store is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    /**
     * The active event of {@code user} on {@code profile} at {@code now} that the break-glass policy still
     * allows (DESIGN.md 4.4: break-glass overrides a deny only through an event its own policy allows).
     */
    public Optional<BreakGlassEvent> activeEvent(String user, ProfileName profile, Instant now) {
        if (policy.get().ruleFor(user, profile.value()).isEmpty()) {
            return Optional.empty();
        }
        String token = null;
        do {
            Page<BreakGlassEvent> page =
                    store.list(new BreakGlassQuery(user, Status.ACTIVE, profile.value(), PAGE), token);
            for (BreakGlassEvent event : page.items()) {
                if (event.statusAt(now) == Status.ACTIVE) {
                    return Optional.of(event);
                }
            }
            token = page.next();
        } while (token != null);
        return Optional.empty();
    }
}
