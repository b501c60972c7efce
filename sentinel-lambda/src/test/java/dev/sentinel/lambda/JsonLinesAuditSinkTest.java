package dev.sentinel.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.audit.ChainVerifier;
import dev.sentinel.audit.LogChain;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesAuditSinkTest {
    private static final AuditRecord ONE = () -> "{\"type\":\"decision\",\"n\":1}";
    private static final AuditRecord TWO = () -> "{\"type\":\"decision\",\"n\":2}";

    @Test
    void withAKeyTheLinesOfAnInstanceFormAVerifiableChain() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLinesAuditSink sink =
                new JsonLinesAuditSink(new PrintStream(out, true, StandardCharsets.UTF_8), new LogChain(key));

        sink.record(ONE);
        sink.record(TWO);

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("{\"seq\":2,\"prev\":\"" + LogChain.hash(lines.get(0)) + "\"");
        ChainVerifier.Report report = new ChainVerifier(new LogChain(key)).verify(lines, null, true);
        assertThat(report.entries()).isEqualTo(2);
        assertThat(report.problems())
                .extracting(ChainVerifier.Finding::message)
                .containsExactly("the head record is missing, so a truncated tail cannot be ruled out");
        assertThat(new ChainVerifier(new LogChain(key))
                        .verify(List.of(lines.get(1)), null, true)
                        .problems())
                .hasSizeGreaterThan(1);
    }

    @Test
    void withoutAKeyTheLinesArePlainJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new JsonLinesAuditSink(new PrintStream(out, true, StandardCharsets.UTF_8), null).record(ONE);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ONE.toJson() + System.lineSeparator());
    }

    @Test
    void aLineThatCannotBeWrittenRefuses() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("closed");
            }
        };

        assertThatThrownBy(() ->
                        new JsonLinesAuditSink(new PrintStream(broken, true, StandardCharsets.UTF_8), null).record(ONE))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AUDIT_LOG_UNAVAILABLE);
    }
}
