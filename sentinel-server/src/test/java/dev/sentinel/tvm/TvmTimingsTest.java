package dev.sentinel.tvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The load-test timings: STS time is separated from the pipeline's own time, per request and thread. */
class TvmTimingsTest {
    @Test
    void separatesTheTimeSpentWaitingForStsFromThePipelinesOwn() {
        TvmTimings timings = new TvmTimings();
        for (int i = 1; i <= 100; i++) {
            timings.begin();
            timings.addSts(i * 1_000_000L);
            timings.end(i * 1_000_000L + 500_000L);
        }

        String report = timings.report();

        assertThat(report).contains("requests timed: 100");
        assertThat(report).containsPattern("pipeline's own time: +p50 +0\\.500 +p90 +0\\.500 +p99 +0\\.500");
        assertThat(report).containsPattern("waiting for STS: +p50 +50\\.000 +p90 +90\\.000 +p99 +99\\.000");
        assertThat(report).containsPattern("max +100\\.500 ms");
    }

    @Test
    void stsTimeBelongsToTheRequestOfItsOwnThreadAndStartsAtZeroForEachRequest() throws Exception {
        TvmTimings timings = new TvmTimings();
        timings.begin();
        timings.addSts(7_000_000L);
        Thread other = new Thread(() -> {
            timings.begin();
            timings.end(2_000_000L);
        });
        other.start();
        other.join();
        timings.end(10_000_000L);
        timings.begin();
        timings.end(1_000_000L);

        String report = timings.report();

        assertThat(report).contains("requests timed: 3");
        assertThat(report).containsPattern("waiting for STS: +p50 +0\\.000 .* max +7\\.000 ms");
        assertThat(report).containsPattern("pipeline's own time: .* max +3\\.000 ms");
    }

    @Test
    void aSupplierCallIsCountedAsSts() {
        TvmTimings timings = new TvmTimings();
        timings.begin();
        String answer = timings.sts(() -> {
            long until = System.nanoTime() + 2_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return "issued";
        });
        timings.end(2_500_000L);

        assertThat(answer).isEqualTo("issued");
        Matcher sts = Pattern.compile("waiting for STS: +p50 +(\\d+\\.\\d{3})").matcher(timings.report());
        assertThat(sts.find()).isTrue();
        assertThat(Double.parseDouble(sts.group(1)))
                .as("at least the 2 ms the call took")
                .isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void requestsBeginningWithinTheWarmUpAfterTheFirstAreLeftOut() {
        long[] now = {1_000_000_000L};
        TvmTimings timings = new TvmTimings(Duration.ofMillis(10), () -> now[0]);
        for (long at : new long[] {0, 5, 9, 10, 20}) {
            now[0] = 1_000_000_000L + at * 1_000_000L;
            timings.begin();
            timings.end(at == 0 ? 600_000_000L : 1_000_000L);
        }

        String report = timings.report();

        assertThat(report).contains("requests timed: 2 (and 3 in the warm-up, left out)");
        assertThat(report).containsPattern("pipeline's own time: .* max +1\\.000 ms");
    }

    @Test
    void aNegativeWarmUpIsRefused() {
        assertThatThrownBy(() -> new TvmTimings(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyReportSaysSo() {
        assertThat(new TvmTimings().report()).contains("requests timed: 0", "no requests");
    }
}
