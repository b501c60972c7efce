package dev.sentinel.tvm;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the token vending machine's time goes, for load tests: for every request, its total time in the
 * pipeline, the part spent waiting for STS (forwarding the identity proof, AssumeRole), and the rest, the
 * pipeline's own time. Requests are timed on the thread that handles them. Requests that begin within
 * the warm-up after the first one are counted but left out, as a load generator leaves out its own
 * warm-up. Holds no request data, only durations; keeps at most {@value #MAX_SAMPLES} requests.
 */
public final class TvmTimings {
    static final int MAX_SAMPLES = 5_000_000;
    /** Per thread: the current request's STS nanoseconds and its start. */
    private static final ThreadLocal<long[]> CURRENT = ThreadLocal.withInitial(() -> new long[2]);

    private final long warmUpNanos;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private long[] total = new long[1024];
    private long[] sts = new long[1024];
    private int count;
    private int warmingUp;
    private boolean started;
    private long firstStart;

    /** Timings of every request. */
    public TvmTimings() {
        this(Duration.ZERO);
    }

    /** Timings that leave out the requests beginning within {@code warmUp} of the first one. */
    public TvmTimings(Duration warmUp) {
        this(warmUp, System::nanoTime);
    }

    TvmTimings(Duration warmUp, LongSupplier nanoTime) {
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("the warm-up is negative: " + warmUp);
        }
        this.warmUpNanos = warmUp.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Starts timing a request on this thread. */
    void begin() {
        long[] current = CURRENT.get();
        current[0] = 0;
        current[1] = nanoTime.getAsLong();
    }

    /** Runs a call to STS, counting its time as STS time of the current request. */
    public <T> T sts(Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            addSts(System.nanoTime() - start);
        }
    }

    /** Counts {@code nanos} spent on a call to STS as STS time of the current request. */
    void addSts(long nanos) {
        CURRENT.get()[0] += nanos;
    }

    /** Ends the current request's timing; {@code totalNanos} is its whole time in the pipeline. */
    void end(long totalNanos) {
        long[] current = CURRENT.get();
        long stsNanos = current[0];
        synchronized (lock) {
            if (!started || current[1] - firstStart < 0) {
                started = true;
                firstStart = current[1];
            }
            if (current[1] - firstStart < warmUpNanos) {
                warmingUp++;
                return;
            }
            if (count == MAX_SAMPLES) {
                return;
            }
            if (count == total.length) {
                total = Arrays.copyOf(total, count * 2);
                sts = Arrays.copyOf(sts, count * 2);
            }
            total[count] = totalNanos;
            sts[count] = stsNanos;
            count++;
        }
    }

    /** Percentiles of the pipeline's own time, the STS time and the total, in milliseconds. */
    public String report() {
        long[] totals;
        long[] stsTimes;
        int leftOut;
        synchronized (lock) {
            totals = Arrays.copyOf(total, count);
            stsTimes = Arrays.copyOf(sts, count);
            leftOut = warmingUp;
        }
        long[] own = new long[totals.length];
        for (int i = 0; i < own.length; i++) {
            own[i] = totals[i] - stsTimes[i];
        }
        return "requests timed: " + totals.length
                + (leftOut == 0 ? "" : " (and " + leftOut + " in the warm-up, left out)") + "\n"
                + line("pipeline's own time", own) + "\n"
                + line("waiting for STS", stsTimes) + "\n"
                + line("total in the pipeline", totals);
    }

    private static String line(String what, long[] nanos) {
        if (nanos.length == 0) {
            return what + ": no requests";
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(
                java.util.Locale.ROOT,
                "%-22s p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms",
                what + ":",
                ms(sorted, 0.50),
                ms(sorted, 0.90),
                ms(sorted, 0.99),
                ms(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
