package dev.sentinel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How long one synced write takes on a disk: the floor under the latency of everything that hands out
 * credentials, since each one waits for its decision log line to be synced (docs/audit.md). Writes
 * {@code --count} lines the size of a decision log line to a throwaway file in DIR, each followed by
 * {@link FileChannel#force force(false)} (fdatasync on Linux), one every half millisecond as a server at
 * about 1,000 requests/s would; first appending, as the log does, then overwriting blocks written and
 * synced beforehand, which needs no file-size or allocation change. If both show the same tail, the
 * tail is the device's flush, and no file layout would remove it.
 *
 * <pre>
 * java -cp sentinel-bench/target/benchmarks.jar dev.sentinel.bench.SyncProbe ~/.sentinel [--count 4000]
 * </pre>
 */
public final class SyncProbe {
    static final int LINE = 600;
    private static final long PACE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private SyncProbe() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--count"))) {
            System.err.println("usage: SyncProbe DIR [--count N, default 4000]");
            System.exit(2);
        }
        int count = args.length == 3 ? Integer.parseInt(args[2]) : 4000;
        run(Path.of(args[0]), count, System.out);
    }

    static void run(Path dir, int count, PrintStream out) throws IOException {
        out.printf(
                Locale.ROOT,
                "%d synced writes of %d bytes in %s (%s)%n",
                count,
                LINE,
                dir,
                Files.getFileStore(dir).type());
        report(out, "append", probe(dir, count, false));
        report(out, "overwrite", probe(dir, count, true));
    }

    static Histogram probe(Path dir, int count, boolean preallocated) throws IOException {
        Path file = Files.createTempFile(dir, "sentinel-sync-probe", ".tmp");
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        byte[] line = ("x".repeat(LINE - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (preallocated) {
                ByteBuffer zeros = ByteBuffer.allocate(LINE * count);
                while (zeros.hasRemaining()) {
                    channel.write(zeros);
                }
                channel.force(true);
                channel.position(0);
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            for (int i = 0; i < count; i++) {
                buffer.rewind();
                long start = System.nanoTime();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
                latencies.recordValue(System.nanoTime() - start);
                LockSupport.parkNanos(PACE_NANOS);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return latencies;
    }

    private static void report(PrintStream out, String name, Histogram latencies) {
        out.printf(
                Locale.ROOT,
                "%-9s (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                name,
                ms(latencies.getValueAtPercentile(50)),
                ms(latencies.getValueAtPercentile(90)),
                ms(latencies.getValueAtPercentile(99)),
                ms(latencies.getValueAtPercentile(99.9)),
                ms(latencies.getMaxValue()));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
