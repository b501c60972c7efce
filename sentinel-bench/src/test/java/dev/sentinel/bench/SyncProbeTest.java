package dev.sentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncProbeTest {
    @TempDir
    Path dir;

    @Test
    void timesEveryWriteBothWaysAndLeavesNoFileBehind() throws IOException {
        Histogram appended = SyncProbe.probe(dir, 20, false);
        Histogram overwritten = SyncProbe.probe(dir, 20, true);

        assertThat(appended.getTotalCount()).isEqualTo(20);
        assertThat(overwritten.getTotalCount()).isEqualTo(20);
        assertThat(appended.getMinValue()).isPositive();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void reportsBothWaysWithTheirPercentiles() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        SyncProbe.run(dir, 10, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("10 synced writes of " + SyncProbe.LINE + " bytes in ");
            assertThat(lines.get(1)).startsWith("append    (ms): p50 ").contains(" p99 ", " max ");
            assertThat(lines.get(2)).startsWith("overwrite (ms): p50 ");
        });
    }
}
