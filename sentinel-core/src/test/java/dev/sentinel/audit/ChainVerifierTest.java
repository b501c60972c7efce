package dev.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final LogChain chain = new LogChain(KEY);
    private final ChainVerifier verifier = new ChainVerifier(chain);

    private List<String> lines(int count) {
        List<String> lines = new ArrayList<>();
        String prev = LogChain.GENESIS;
        for (int i = 1; i <= count; i++) {
            String line = chain.seal(i, prev, "{\"user\":\"u" + i + "\"}");
            lines.add(line);
            prev = LogChain.hash(line);
        }
        return lines;
    }

    private String head(List<String> lines) {
        return chain.sealHead(lines.size(), LogChain.hash(lines.get(lines.size() - 1)));
    }

    @Test
    void anIntactLogVerifies() {
        List<String> lines = lines(5);
        ChainVerifier.Report report = verifier.verify(lines, head(lines), true);
        assertThat(report.intact()).isTrue();
        assertThat(report.entries()).isEqualTo(5);
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void detectsAnEditedLine() {
        List<String> lines = lines(4);
        String head = head(lines);
        lines.set(1, lines.get(1).replace("\"u2\"", "\"u9\""));
        ChainVerifier.Report report = verifier.verify(lines, head, true);
        assertThat(report.problems()).extracting(ChainVerifier.Finding::line).containsExactly(2, 3);
        assertThat(report.problems().get(0).message()).contains("MAC does not match");
    }

    @Test
    void detectsARemovedLine() {
        List<String> lines = lines(4);
        String head = head(lines);
        lines.remove(1);
        assertThat(verifier.verify(lines, head, true).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("1 entry was removed"));
    }

    @Test
    void detectsSwappedLines() {
        List<String> lines = lines(4);
        String head = head(lines);
        Collections.swap(lines, 1, 2);
        ChainVerifier.Report report = verifier.verify(lines, head, true);
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anySatisfy(f -> assertThat(f.message()).contains("reordered"));
    }

    @Test
    void detectsATruncatedTail() {
        List<String> lines = lines(4);
        String head = head(lines);
        ChainVerifier.Report report = verifier.verify(lines.subList(0, 2), head, true);
        assertThat(report.problems()).singleElement().satisfies(f -> assertThat(f.message())
                .contains("truncated"));
    }

    @Test
    void detectsRemovedFirstLines() {
        List<String> lines = lines(3);
        assertThat(verifier.verify(lines.subList(1, 3), head(lines), true).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("removed"));
    }

    @Test
    void detectsALineCutMidWrite() {
        List<String> lines = lines(2);
        assertThat(verifier.verify(lines, head(lines), false).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("cut mid-line"));
    }

    @Test
    void aMissingOrEditedHeadIsAProblem() {
        List<String> lines = lines(2);
        assertThat(verifier.verify(lines, null, true).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("head record is missing"));
        String forged = head(lines).replace("\"seq\":2", "\"seq\":1");
        assertThat(verifier.verify(lines, forged, true).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("head record's MAC"));
    }

    @Test
    void aReplacedLastLineIsCaughtByTheHead() {
        List<String> lines = lines(2);
        String head = head(lines);
        lines.set(1, chain.seal(2, LogChain.hash(lines.get(0)), "{\"user\":\"other\"}"));
        assertThat(verifier.verify(lines, head, true).problems())
                .singleElement()
                .satisfies(f -> assertThat(f.message()).contains("differs from the one the head record names"));
    }

    @Test
    void linesWrittenWithAnotherKeyFail() {
        byte[] other = KEY.clone();
        other[5] ^= 1;
        List<String> lines = lines(2);
        ChainVerifier.Report report = new ChainVerifier(new LogChain(other)).verify(lines, head(lines), true);
        assertThat(report.problems()).hasSize(3);
    }

    @Test
    void aHeadBehindByAnInterruptedWriteIsOnlyAWarning() {
        List<String> lines = lines(3);
        String staleHead = chain.sealHead(2, LogChain.hash(lines.get(1)));
        ChainVerifier.Report report = verifier.verify(lines, staleHead, true);
        assertThat(report.intact()).isTrue();
        assertThat(report.warnings()).singleElement().asString().contains("interrupted");
    }

    @Test
    void theMacCoversTheWholeLine() {
        String line = chain.seal(1, LogChain.GENESIS, "{\"a\":1}");
        assertThat(line)
                .startsWith("{\"seq\":1,\"prev\":\"" + LogChain.GENESIS + "\",\"a\":1,\"mac\":\"")
                .endsWith("\"}");
        assertThat(chain.authenticate(line)).isNotNull();
        assertThat(chain.authenticate(line.replace("\"a\":1", "\"a\":2"))).isNull();
        assertThat(chain.authenticate(line.replace("\"seq\":1", "\"seq\":2"))).isNull();
    }
}
