package dev.sentinel.tvm;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Where the token vending machine's time goes, for load tests: for every request, its total time in the
 * pipeline, the part spent waiting for STS (forwarding the identity proof, AssumeRole), and the rest, the
 * pipeline's own time. Requests are timed on the thread that handles them. Holds no request data, only
 * durations; keeps at most {@value #MAX_SAMPLES} requests.
 */
public final class TvmTimings {
    static final int MAX_SAMPLES = 5_000_000;
    private static final ThreadLocal<long[]> STS_NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private final Object lock = new Object();
    private long[] total = new long[1024];
    private long[] sts = new long[1024];
    private int count;

    /** Starts timing a request on this thread. */
    void begin() {
        STS_NANOS.get()[0] = 0;
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
        STS_NANOS.get()[0] += nanos;
    }

    /** Ends the current request's timing; {@code totalNanos} is its whole time in the pipeline. */
    void end(long totalNanos) {
        long stsNanos = STS_NANOS.get()[0];
        synchronized (lock) {
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
        synchronized (lock) {
            totals = Arrays.copyOf(total, count);
            stsTimes = Arrays.copyOf(sts, count);
        }
        long[] own = new long[totals.length];
        for (int i = 0; i < own.length; i++) {
            own[i] = totals[i] - stsTimes[i];
        }
        return "requests timed: " + totals.length + "\n"
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
