package dev.sentinel.local.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.audit.ChainVerifier;
import dev.sentinel.audit.LogChain;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditLogTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private FileAuditLog log() {
        return new FileAuditLog(dir.resolve("logs/decisions.jsonl"), KEY);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(dir.resolve("logs/decisions.jsonl"));
    }

    @Test
    void appendsChainedLinesThatVerify() throws IOException {
        FileAuditLog log = log();
        for (int i = 0; i < 5; i++) {
            log.append("{\"n\":" + i + "}");
        }
        assertThat(lines()).hasSize(5);
        assertThat(lines().get(0)).startsWith("{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"n\":0,\"mac\":\"");
        assertThat(lines().get(4)).startsWith("{\"seq\":5,");
        ChainVerifier.Report report = log.verify();
        assertThat(report.intact()).isTrue();
        assertThat(report.entries()).isEqualTo(5);
    }

    @Test
    void chainsLinesLongerThanTheTailItFirstReads() throws IOException {
        // The tail is read in a small chunk first and widened until it holds two whole lines.
        FileAuditLog log = log();
        log.append("{\"n\":0}");
        for (int i = 1; i <= 3; i++) {
            log.append("{\"n\":" + i + ",\"reason\":\"" + "x".repeat(20_000 * i) + "\"}");
        }
        log.append("{\"n\":4}");

        assertThat(lines()).hasSize(5);
        assertThat(lines().get(4)).startsWith("{\"seq\":5,");
        ChainVerifier.Report report = log.verify();
        assertThat(report.intact()).isTrue();
        assertThat(report.entries()).isEqualTo(5);
    }

    private Path head() {
        return FileAuditLog.headOf(dir.resolve("logs/decisions.jsonl"));
    }

    private List<String> headSlots() throws IOException {
        String text = Files.readString(head(), StandardCharsets.US_ASCII);
        assertThat(text).hasSize(2 * FileAuditLog.SLOT);
        return List.of(text.substring(0, FileAuditLog.SLOT), text.substring(FileAuditLog.SLOT));
    }

    @Test
    void theHeadKeepsTheLastTwoUpdatesInAlternatingSlots() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        assertThat(headSlots().get(0)).startsWith("{\"seq\":1,").endsWith("\n");
        assertThat(headSlots().get(1)).isBlank();

        log.append("{\"n\":2}");
        log.append("{\"n\":3}");

        assertThat(headSlots().get(0)).startsWith("{\"seq\":3,");
        assertThat(headSlots().get(1)).startsWith("{\"seq\":2,");
        assertThat(log.verify().warnings()).isEmpty();
    }

    @Test
    void aTornHeadUpdateLeavesTheOtherSlotAndAWarning() throws IOException {
        FileAuditLog log = log();
        for (int i = 0; i < 4; i++) {
            log.append("{\"n\":" + i + "}");
        }
        byte[] bytes = Files.readAllBytes(head());
        int newer = headSlots().get(0).startsWith("{\"seq\":4,") ? 0 : FileAuditLog.SLOT;
        Arrays.fill(bytes, newer + 30, newer + FileAuditLog.SLOT - 1, (byte) 0);
        Files.write(head(), bytes);

        ChainVerifier.Report report = log.verify();

        assertThat(report.intact()).isTrue();
        assertThat(report.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("names seq 3"));

        log.append("{\"n\":4}");
        assertThat(log.verify().problems()).isEmpty();
        assertThat(headSlots()).anySatisfy(slot -> assertThat(slot).startsWith("{\"seq\":5,"));
    }

    @Test
    void aTruncatedTailIsCaughtByTheNewerSlot() throws IOException {
        FileAuditLog log = log();
        for (int i = 0; i < 3; i++) {
            log.append("{\"n\":" + i + "}");
        }
        List<String> kept = lines().subList(0, 2);
        Files.write(dir.resolve("logs/decisions.jsonl"), kept);

        assertThat(log.verify().problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("head says seq 3"));
    }

    @Test
    void aHeadInTheEarlierOneRecordFormatIsReadThenReplacedBySlots() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        String record = headSlots().get(0).strip();
        Files.writeString(head(), record, StandardCharsets.US_ASCII);
        assertThat(log.verify().problems()).isEmpty();

        log.append("{\"n\":2}");

        assertThat(headSlots().get(0)).startsWith("{\"seq\":2,");
        assertThat(log.verify().problems()).isEmpty();
        assertThat(Files.getPosixFilePermissions(head())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anAppendByAnotherWriterBetweenTwoOfOursIsChainedTo() throws IOException {
        FileAuditLog ours = log();
        FileAuditLog other = log();
        ours.append("{\"n\":1}");
        other.append("{\"n\":2}");
        ours.append("{\"n\":3}");

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).startsWith("{\"seq\":3,");
        assertThat(ours.verify().problems()).isEmpty();
    }

    @Test
    void aLogReplacedByAnotherFileOfTheSameSizeIsReadAgain() throws IOException {
        Path file = dir.resolve("logs/decisions.jsonl");
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        Path kept = dir.resolve("first.jsonl");
        Files.copy(file, kept);
        Files.move(file, dir.resolve("rotated.jsonl"));
        FileAuditLog.headOf(file).toFile().delete();
        FileAuditLog fresh = new FileAuditLog(file, KEY);
        fresh.append("{\"n\":9}");
        assertThat(Files.size(file)).isEqualTo(Files.size(kept));

        log.append("{\"n\":10}");

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).startsWith("{\"seq\":2,\"prev\":\"" + LogChain.hash(lines().get(0)) + "\"");
        assertThat(log.verify().problems()).isEmpty();
    }

    @Test
    void createsTheLogOwnerOnly() throws IOException {
        log().append("{}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs/decisions.jsonl"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs"))))
                .isEqualTo("rwx------");
    }

    @Test
    void detectsAnEditedLine() throws IOException {
        FileAuditLog log = log();
        log.append("{\"user\":\"alice\"}");
        log.append("{\"user\":\"bob\"}");
        Path file = dir.resolve("logs/decisions.jsonl");
        Files.writeString(file, Files.readString(file).replace("\"bob\"", "\"eve\""));
        ChainVerifier.Report report = log.verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainVerifier.Finding::line).contains(2);
    }

    @Test
    void detectsARemovedLineAndATruncatedTail() throws IOException {
        FileAuditLog log = log();
        for (int i = 0; i < 4; i++) {
            log.append("{\"n\":" + i + "}");
        }
        Path file = dir.resolve("logs/decisions.jsonl");
        List<String> lines = lines();
        Files.write(file, List.of(lines.get(0), lines.get(2), lines.get(3)));
        assertThat(log.verify().problems())
                .anySatisfy(f -> assertThat(f.message()).contains("removed"));

        Files.write(file, List.of(lines.get(0), lines.get(1)));
        assertThat(log.verify().problems())
                .anySatisfy(f -> assertThat(f.message()).contains("truncated"));
    }

    @Test
    void keepsAppendingAfterATornLastLineAndReportsIt() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        Path file = dir.resolve("logs/decisions.jsonl");
        Files.writeString(file, "{\"seq\":2,\"prev\":\"ab", java.nio.file.StandardOpenOption.APPEND);
        log.append("{\"n\":3}");
        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).contains("\"n\":3");
        assertThat(log.verify().problems())
                .extracting(ChainVerifier.Finding::line)
                .containsExactly(2);
    }

    @Test
    void verifyingWithAnotherKeyFails() throws IOException {
        log().append("{\"n\":1}");
        byte[] other = Arrays.copyOf(KEY, KEY.length);
        other[0] ^= 1;
        ChainVerifier.Report report = new FileAuditLog(dir.resolve("logs/decisions.jsonl"), other).verify();
        assertThat(report.intact()).isFalse();
    }

    @Test
    void verifyingAMissingLogIsAConfigurationError() {
        assertThatThrownBy(() -> log().verify())
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.CONFIG_INVALID);
    }

    @Test
    void refusesToAppendWhenTheLogCannotBeWritten() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.createDirectory(logs.resolve("decisions.jsonl"));
        assertThatThrownBy(() -> log().append("{}"))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
        assertThatThrownBy(() -> log().record(waiting(1)))
                .as("a line whose sync may wait is still written before it returns")
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
    }

    @Test
    void concurrentWritersProduceOneUnbrokenChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int writer = t;
            futures.add(pool.submit(() -> {
                FileAuditLog own = log();
                for (int i = 0; i < 25; i++) {
                    own.append("{\"writer\":" + writer + ",\"i\":" + i + "}");
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        ChainVerifier.Report report = log().verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.entries()).isEqualTo(200);
        List<String> written = lines();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 25; i++) {
                String entry = "\"writer\":" + t + ",\"i\":" + i + ",";
                assertThat(written).as(entry).filteredOn(l -> l.contains(entry)).hasSize(1);
            }
        }
    }

    /** A line that may wait for its sync, as a credential handed out again is. */
    private static AuditRecord waiting(int n) {
        return new AuditRecord() {
            @Override
            public String toJson() {
                return "{\"n\":" + n + "}";
            }

            @Override
            public boolean syncAtOnce() {
                return false;
            }
        };
    }

    private static long newestHeadSeq(List<String> slots) {
        return slots.stream()
                .filter(slot -> !slot.isBlank())
                .mapToLong(slot -> Long.parseLong(slot.substring("{\"seq\":".length(), slot.indexOf(','))))
                .max()
                .orElse(-1);
    }

    @Test
    void aLineWhoseSyncMayWaitIsWrittenAtOnceButNamedByTheHeadOnlyOnceFlushed() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");

        log.record(waiting(2));

        assertThat(lines()).hasSize(2);
        assertThat(newestHeadSeq(headSlots())).isEqualTo(1);
        assertThat(log.verify().warnings())
                .singleElement()
                .asString()
                .startsWith("the head record names seq 1 but the log continues to seq 2 (the newest lines");

        log.flush();

        assertThat(headSlots().get(1)).startsWith("{\"seq\":2,");
        assertThat(log.verify().warnings()).isEmpty();
        log.append("{\"n\":3}");
        assertThat(headSlots().get(0)).startsWith("{\"seq\":3,");
        assertThat(log.verify().warnings()).isEmpty();
    }

    @Test
    void aLineThatMustBeSyncedCarriesTheWaitingOnesWithIt() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        log.record(waiting(2));
        log.record(waiting(3));

        log.append("{\"n\":4}");

        assertThat(headSlots().get(0)).startsWith("{\"seq\":1,");
        assertThat(headSlots().get(1)).startsWith("{\"seq\":4,");
        ChainVerifier.Report report = log.verify();
        assertThat(report.intact()).isTrue();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.entries()).isEqualTo(4);
    }

    @Test
    void waitingLinesAreFlushedWithinASecondWithoutAnyCall() throws Exception {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        log.record(waiting(2));
        assertThat(newestHeadSeq(headSlots())).isEqualTo(1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (newestHeadSeq(headSlots()) != 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertThat(newestHeadSeq(headSlots())).isEqualTo(2);
        assertThat(log.verify().warnings()).isEmpty();
    }

    @Test
    void aFlushAfterAnotherWritersAppendNeverMovesTheHeadBack() throws IOException {
        FileAuditLog ours = log();
        FileAuditLog other = log();
        ours.append("{\"n\":1}");
        ours.record(waiting(2));
        other.append("{\"n\":3}");

        ours.flush();

        assertThat(newestHeadSeq(headSlots())).isEqualTo(3);
        assertThat(ours.verify().warnings()).isEmpty();
        ours.append("{\"n\":4}");
        assertThat(newestHeadSeq(headSlots())).isEqualTo(4);
        assertThat(ours.verify().problems()).isEmpty();
    }

    @Test
    void aFlushWithNothingWaitingChangesNothing() throws IOException {
        FileAuditLog log = log();
        log.append("{\"n\":1}");
        log.append("{\"n\":2}");
        List<String> before = headSlots();

        log.flush();
        new FileAuditLog(dir.resolve("logs/decisions.jsonl"), KEY).flush();

        assertThat(headSlots()).isEqualTo(before);
    }
}
