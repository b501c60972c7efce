package dev.sentinel.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sliding-window log in this process's memory: exact, thread-safe, and forgotten on restart. It limits
 * one server only; several servers behind a load balancer need a shared store (DynamoDB). Keys whose
 * requests have all left the window are swept every {@link #SWEEP_EVERY} requests, so memory follows the
 * number of recently active callers.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    static final int SWEEP_EVERY = 1024;

    private final RequestRate rate;
    private final Map<String, ArrayDeque<Instant>> logs = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    public InMemoryRateLimiter(RequestRate rate) {
        this.rate = requireNonNull(rate, "rate is null");
    }

    @Override
    public Admission admit(String key, Instant now) {
        requireNonNull(key, "key is null");
        requireNonNull(now, "now is null");
        if (requests.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Instant horizon = now.minus(rate.window());
        Admission[] answer = new Admission[1];
        logs.compute(key, (k, log) -> {
            ArrayDeque<Instant> hits = log == null ? new ArrayDeque<>() : log;
            while (!hits.isEmpty() && !hits.peekFirst().isAfter(horizon)) {
                hits.pollFirst();
            }
            if (hits.size() >= rate.limit()) {
                answer[0] =
                        Admission.refused(Duration.between(now, hits.peekFirst().plus(rate.window())));
            } else {
                hits.addLast(now);
                answer[0] = Admission.ADMITTED;
            }
            return hits;
        });
        return answer[0];
    }

    /** The number of keys held, for tests of the sweep. */
    int keys() {
        return logs.size();
    }

    private void sweep(Instant now) {
        Instant horizon = now.minus(rate.window());
        for (String key : logs.keySet()) {
            logs.computeIfPresent(
                    key, (k, hits) -> hits.isEmpty() || !hits.peekLast().isAfter(horizon) ? null : hits);
        }
    }
}
