package dev.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTamperingTest {
    private final LogChain chain = new LogChain(LogChainTest.KEY);
    private final ChainVerifier verifier = new ChainVerifier(chain);

    @Test
    void intactLogVerifiesWithItsEntryCount() {
        Log log = Log.of(chain, 5);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.intact()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.entries()).isEqualTo(5);
    }

    @Test
    void ignoresTheEmptyElementAfterTheFinalNewline() {
        Log log = Log.of(chain, 3);
        List<String> split = List.of(String.join("\n", log.lines).concat("\n").split("\n", -1));

        ChainVerifier.Report report = verifier.verify(split, log.head, true);

        assertThat(report.problems()).isEmpty();
        assertThat(report.entries()).isEqualTo(3);
    }

    @Test
    void emptyLogWithoutHeadIsIntact() {
        ChainVerifier.Report report = verifier.verify(List.of(), null, true);

        assertThat(report.intact()).isTrue();
        assertThat(report.entries()).isZero();
    }

    @Test
    void detectsAnEditedLine() {
        Log log = Log.of(chain, 4);
        log.lines.set(1, log.lines.get(1).replace("\"user\":\"user-2\"", "\"user\":\"mallory\""));

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anySatisfy(finding -> {
            assertThat(finding.line()).isEqualTo(2);
            assertThat(finding.message()).contains("MAC does not match").contains("seq 2");
        });
    }

    @Test
    void detectsALineThatIsNotALogLineAtAll() {
        Log log = Log.of(chain, 3);
        log.lines.set(1, "{\"user\":\"mallory\"}");

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).anySatisfy(finding -> {
            assertThat(finding.line()).isEqualTo(2);
            assertThat(finding.message()).contains("not a Sentinel log line");
        });
    }

    @Test
    void detectsARemovedMiddleLine() {
        Log log = Log.of(chain, 5);
        log.lines.remove(2);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> {
            assertThat(finding.line()).isEqualTo(3);
            assertThat(finding.message()).contains("seq 4 follows seq 2").contains("1 entry was removed");
        });
    }

    @Test
    void detectsARemovedFirstLine() {
        Log log = Log.of(chain, 3);
        log.lines.remove(0);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> {
            assertThat(finding.line()).isEqualTo(1);
            assertThat(finding.message()).contains("removed");
        });
    }

    @Test
    void detectsTwoSwappedLines() {
        Log log = Log.of(chain, 5);
        Collections.swap(log.lines, 1, 2);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).extracting(ChainVerifier.Finding::line).contains(2, 3);
        assertThat(report.problems())
                .anySatisfy(finding -> assertThat(finding.message()).contains("reordered"));
    }

    @Test
    void detectsADuplicatedLine() {
        Log log = Log.of(chain, 3);
        log.lines.add(2, log.lines.get(1));

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).anySatisfy(finding -> {
            assertThat(finding.line()).isEqualTo(3);
            assertThat(finding.message()).contains("reordered or duplicated");
        });
    }

    @Test
    void detectsALineReplacedByAnotherAuthenticLine() {
        Log log = Log.of(chain, 3);
        log.lines.set(1, chain.seal(2, LogChain.hash("some other line"), "{\"user\":\"user-2\"}"));

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).extracting(ChainVerifier.Finding::line).containsExactly(2, 3);
        assertThat(report.problems())
                .allSatisfy(finding -> assertThat(finding.message()).contains("does not chain to the line before it"));
    }

    @Test
    void detectsATruncatedTail() {
        Log log = Log.of(chain, 5);
        log.lines.subList(3, 5).clear();

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> {
            assertThat(finding.line()).isEqualTo(3);
            assertThat(finding.message())
                    .contains("ends at seq 3 but its head says seq 5")
                    .contains("truncated");
        });
    }

    @Test
    void detectsAWholeLastLineRemoved() {
        Log log = Log.of(chain, 5);
        log.lines.remove(4);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> {
            assertThat(finding.line()).isEqualTo(4);
            assertThat(finding.message()).contains("ends at seq 4 but its head says seq 5");
        });
    }

    @Test
    void detectsAnEmptiedLog() {
        Log log = Log.of(chain, 2);

        ChainVerifier.Report report = verifier.verify(List.of(), log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("ends at seq 0 but its head says seq 2"));
    }

    @Test
    void detectsALastLineCutWithoutItsNewline() {
        Log log = Log.of(chain, 3);
        String last = log.lines.get(2);
        log.lines.set(2, last.substring(0, last.length() / 2));

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, false);

        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anySatisfy(finding -> {
            assertThat(finding.line()).isEqualTo(3);
            assertThat(finding.message()).contains("not terminated");
        });
    }

    @Test
    void detectsAMissingNewlineEvenWhenTheLastLineIsWhole() {
        Log log = Log.of(chain, 2);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, false);

        assertThat(report.problems()).singleElement().satisfies(finding -> {
            assertThat(finding.line()).isEqualTo(2);
            assertThat(finding.message()).contains("cut mid-line");
        });
    }

    @Test
    void detectsAMissingHead() {
        Log log = Log.of(chain, 3);

        ChainVerifier.Report report = verifier.verify(log.lines, null, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("head record is missing"));
    }

    @Test
    void detectsAnEditedHead() {
        Log log = Log.of(chain, 5);
        String edited = log.head.replace("\"seq\":5", "\"seq\":3");

        ChainVerifier.Report report = verifier.verify(log.lines.subList(0, 3), edited, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("head record's MAC does not match"));
    }

    @Test
    void detectsAHeadThatNamesADifferentLastLine() {
        Log log = Log.of(chain, 3);
        String head = chain.sealHead(3, LogChain.hash("a line that is not there"));

        ChainVerifier.Report report = verifier.verify(log.lines, head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("differs from the one the head record names"));
    }

    @Test
    void detectsALineWrittenWithAnotherKey() {
        Log log = Log.of(chain, 3);
        LogChain other = new LogChain(LogChainTest.OTHER_KEY);
        log.lines.set(1, other.seal(2, LogChain.hash(log.lines.get(0)), "{\"user\":\"user-2\"}"));

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems()).anySatisfy(finding -> {
            assertThat(finding.line()).isEqualTo(2);
            assertThat(finding.message()).contains("written with another key");
        });
    }

    @Test
    void wholeLogFromAnotherKeyFailsEveryLine() {
        Log log = Log.of(new LogChain(LogChainTest.OTHER_KEY), 3);

        ChainVerifier.Report report = verifier.verify(log.lines, log.head, true);

        assertThat(report.problems())
                .extracting(ChainVerifier.Finding::message)
                .filteredOn(message -> message.contains("MAC does not match"))
                .hasSize(4);
    }

    @Test
    void headBehindByOneIsAWarningNotAProblem() {
        Log log = Log.of(chain, 4);
        String headBeforeLastWrite = chain.sealHead(3, LogChain.hash(log.lines.get(2)));

        ChainVerifier.Report report = verifier.verify(log.lines, headBeforeLastWrite, true);

        assertThat(report.intact()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings())
                .singleElement()
                .asString()
                .contains("names seq 3")
                .contains("continues to seq 4");
        assertThat(report.entries()).isEqualTo(4);
    }

    @Test
    void theNewerOfTwoHeadRecordsCountsWhicheverLineItIsOn() {
        Log log = Log.of(chain, 5);
        String older = chain.sealHead(4, LogChain.hash(log.lines.get(3)));

        for (String head : List.of(older + "\n" + log.head + "\n", log.head + "\n" + older + "\n")) {
            ChainVerifier.Report report = verifier.verify(log.lines, head, true);

            assertThat(report.problems()).isEmpty();
            assertThat(report.warnings()).isEmpty();
        }
    }

    @Test
    void theNewerOfTwoHeadRecordsStillRevealsATruncatedTail() {
        Log log = Log.of(chain, 5);
        String older = chain.sealHead(4, LogChain.hash(log.lines.get(3)));

        ChainVerifier.Report report = verifier.verify(log.lines.subList(0, 4), older + "\n" + log.head, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("ends at seq 4 but its head says seq 5"));
    }

    @Test
    void aDamagedHeadRecordBesideAnAuthenticOneIsAWarning() {
        Log log = Log.of(chain, 5);
        String torn = log.head.substring(0, 40) + " ".repeat(20);
        String older = chain.sealHead(4, LogChain.hash(log.lines.get(3)));

        ChainVerifier.Report report = verifier.verify(log.lines, older + "\n" + torn, true);

        assertThat(report.intact()).isTrue();
        assertThat(report.warnings())
                .anySatisfy(
                        warning -> assertThat(warning).contains("names seq 4").contains("continues to seq 5"))
                .anySatisfy(warning -> assertThat(warning).contains("does not authenticate"));
    }

    @Test
    void headRecordsThatAllFailTheirMacAreAProblem() {
        Log log = Log.of(chain, 5);
        String edited = log.head.replace("\"seq\":5", "\"seq\":3");

        ChainVerifier.Report report = verifier.verify(log.lines, edited + "\n" + edited.replace("3", "4"), true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("head record's MAC does not match"));
    }

    @Test
    void aHeadBehindTheLogMustStillNameTheEntryAtItsSeq() {
        Log log = Log.of(chain, 5);
        String wrong = chain.sealHead(3, LogChain.hash("a line that was replaced"));

        ChainVerifier.Report report = verifier.verify(log.lines, wrong, true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("entry seq 3 differs from the one the head record names"));
    }

    @Test
    void aBlankHeadFileCountsAsMissing() {
        Log log = Log.of(chain, 2);

        ChainVerifier.Report report = verifier.verify(log.lines, " ".repeat(255) + "\n", true);

        assertThat(report.problems()).singleElement().satisfies(finding -> assertThat(finding.message())
                .contains("head record is missing"));
    }

    /** A log of {@code n} entries as a writer produces it: lines chained by hash, and a head naming the last. */
    private record Log(List<String> lines, String head) {
        static Log of(LogChain chain, int n) {
            List<String> lines = new ArrayList<>();
            String prev = LogChain.GENESIS;
            for (int seq = 1; seq <= n; seq++) {
                String line = chain.seal(seq, prev, "{\"type\":\"decision\",\"user\":\"user-" + seq + "\"}");
                lines.add(line);
                prev = LogChain.hash(line);
            }
            return new Log(lines, chain.sealHead(n, prev));
        }
    }
}
