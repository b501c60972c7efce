package dev.sentinel.bench;

import dev.sentinel.audit.LogChain;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.Policy;
import dev.sentinel.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The other per-request work: parsing the policy, stamping SourceIdentity, sealing a log line. */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotPathBenchmark {
    private final String tenRules = PolicyEvaluationBenchmark.tenRules();
    private final RequestId id = new RequestId("abcdefghij");
    private final String stamp =
            SourceIdentity.of("alice@example.com", Grant.DIRECT, id).format();
    private final LogChain chain = new LogChain("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final String entry =
            "{\"type\":\"decision\",\"time\":\"2026-11-22T10:00:00Z\",\"decision_id\":\"abcdefghij\",\"outcome\":\"issued\","
                    + "\"profile\":\"prod\",\"user\":\"alice\",\"rule\":\"office-hours\",\"source_identity\":\"" + stamp
                    + "\"}";

    @Benchmark
    public Policy parseTenRulePolicy() {
        return PolicyParser.parse("ten.yaml", tenRules);
    }

    @Benchmark
    public String formatSourceIdentity() {
        return SourceIdentity.of("alice@example.com", Grant.DIRECT, id).format();
    }

    @Benchmark
    public Optional<SourceIdentity> parseSourceIdentity() {
        return SourceIdentity.parse(stamp);
    }

    @Benchmark
    public String sealLogLine() {
        return chain.seal(42, LogChain.GENESIS, entry);
    }
}
