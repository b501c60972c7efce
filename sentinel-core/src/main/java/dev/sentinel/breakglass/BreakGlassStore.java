package dev.sentinel.breakglass;

import dev.sentinel.identity.RequestId;
import dev.sentinel.store.Page;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: where break-glass events live (SQLite on one machine; DynamoDB in team mode). Opening is atomic
 * with the one-active-event rule, and every change is a conditional write on the version.
 *
 * <p>Every method throws {@link dev.sentinel.error.SentinelException} with {@code STATE_STORE_UNAVAILABLE}
 * when the store cannot be reached or read.
 */
public interface BreakGlassStore {
    /**
     * Stores a new active event (version 1), unless the same invoker already has an active event on the
     * same profile that has not expired at {@code event.createdAt()}. An active event that has expired
     * by then is recorded as expired in the same step.
     *
     * @throws dev.sentinel.error.SentinelException BREAKGLASS_ACTIVE naming the open event's id when one
     *     is open; STATE_CONFLICT when the id exists
     */
    void open(BreakGlassEvent event);

    Optional<BreakGlassEvent> get(RequestId id);

    /**
     * Replaces the stored event with {@code next} if the stored version is {@code next.version() - 1}. A
     * change away from active also lifts the one-active-event rule for that invoker and profile.
     *
     * @throws dev.sentinel.error.SentinelException STATE_CONFLICT when the stored version differs,
     *     BREAKGLASS_NOT_FOUND when there is no such event
     */
    void update(BreakGlassEvent next);

    /** Events matching {@code query}, newest first (by creation time, then id), one page at a time. */
    Page<BreakGlassEvent> list(BreakGlassQuery query, String pageToken);

    /**
     * How many events were opened at or after {@code since}, by {@code invoker} (null: anyone) on
     * {@code profile} (null: any profile). Counts every page.
     */
    int countSince(String invoker, String profile, Instant since);

    /** The most recently opened event of {@code invoker} on {@code profile}, in any status. */
    Optional<BreakGlassEvent> latest(String invoker, String profile);
}
