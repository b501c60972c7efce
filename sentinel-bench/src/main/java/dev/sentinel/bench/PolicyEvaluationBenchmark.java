package dev.sentinel.bench;

import dev.sentinel.policy.Decision;
import dev.sentinel.policy.EvaluationRequest;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.Policy;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.policy.ProfileName;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Policy evaluation, the work every credential request and every server refresh does. Targets from the
 * gate issue: at most 100 ns for ten rules with time windows, at most 2 µs for 1,000 rules.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyEvaluationBenchmark {
    private Policy tenRulesWithTimeWindows;
    private Policy tenRulesEveryProfile;
    private Policy thousandRules;
    private Policy oneRule;
    private EvaluationRequest lastRuleMatches;
    private EvaluationRequest noRuleMatches;
    private EvaluationRequest thousandthRule;
    private EvaluationRequest ninthUser;

    /** Ten rules in one time zone, each with days, hours and a profile list; the ninth one matches. */
    static String tenRules() {
        StringBuilder yaml = new StringBuilder("version: \"1\"\nrules:\n");
        for (int i = 0; i < 10; i++) {
            yaml.append("  - name: rule-")
                    .append(i)
                    .append('\n')
                    .append("    effect: ")
                    .append(i % 3 == 0 ? "deny" : "allow")
                    .append('\n')
                    .append("    conditions:\n")
                    .append("      profiles: [team-")
                    .append(i)
                    .append("-prod, team-")
                    .append(i)
                    .append("-dev]\n")
                    .append("      users: [alice, bob, carol]\n")
                    .append(
                            "      time: {days: [monday, tuesday, wednesday, thursday, friday], hours: {start: \"08:00\", end: \"18:00\"},"
                                    + " timezone: Europe/Berlin}\n");
        }
        return yaml.toString();
    }

    /** Ten rules that apply to every profile, so the profile index cannot skip any: the ninth matches. */
    static String tenRulesEveryProfile() {
        StringBuilder yaml = new StringBuilder("version: \"1\"\nrules:\n");
        for (int i = 0; i < 10; i++) {
            yaml.append("  - name: rule-")
                    .append(i)
                    .append('\n')
                    .append("    effect: allow\n")
                    .append("    conditions:\n")
                    .append("      users: [user-")
                    .append(i)
                    .append("a, user-")
                    .append(i)
                    .append("b]\n")
                    .append(
                            "      time: {days: [monday, tuesday, wednesday, thursday, friday], hours: {start: \"08:00\", end: \"18:00\"},"
                                    + " timezone: Europe/Berlin}\n");
        }
        return yaml.toString();
    }

    static String thousandRulesText() {
        StringBuilder yaml = new StringBuilder("version: \"1\"\nrules:\n");
        for (int i = 0; i < 1000; i++) {
            yaml.append("  - name: rule-")
                    .append(i)
                    .append("\n    effect: allow\n    conditions:\n      profiles: [profile-")
                    .append(i)
                    .append("]\n      users: [user-")
                    .append(i % 50)
                    .append("]\n");
        }
        return yaml.toString();
    }

    @Setup
    public void setUp() {
        tenRulesWithTimeWindows = PolicyParser.parse("ten.yaml", tenRules());
        thousandRules = PolicyParser.parse("thousand.yaml", thousandRulesText());
        tenRulesEveryProfile = PolicyParser.parse("ten-any.yaml", tenRulesEveryProfile());
        oneRule = PolicyParser.parse(
                "one.yaml",
                "version: \"1\"\nrules:\n  - name: all\n    effect: allow\n    conditions: {profiles: [prod]}\n");
        Instant wednesdayMorning = Instant.parse("2026-11-18T09:30:00Z");
        lastRuleMatches = new EvaluationRequest(
                new ProfileName("team-8-dev"), "carol", Mode.CREDENTIAL_PROCESS, wednesdayMorning, null);
        noRuleMatches = new EvaluationRequest(
                new ProfileName("team-99-dev"), "carol", Mode.CREDENTIAL_PROCESS, wednesdayMorning, null);
        ninthUser = new EvaluationRequest(
                new ProfileName("any-profile"), "user-8b", Mode.CREDENTIAL_PROCESS, wednesdayMorning, null);
        thousandthRule =
                new EvaluationRequest(new ProfileName("profile-999"), "user-49", Mode.SERVER, wednesdayMorning, null);
    }

    @Benchmark
    public Decision tenRulesTimeWindowsMatchNinth() {
        return tenRulesWithTimeWindows.evaluate(lastRuleMatches);
    }

    @Benchmark
    public Decision tenRulesTimeWindowsNoMatch() {
        return tenRulesWithTimeWindows.evaluate(noRuleMatches);
    }

    @Benchmark
    public Decision tenRulesTimeWindowsEveryRuleChecked() {
        return tenRulesEveryProfile.evaluate(ninthUser);
    }

    @Benchmark
    public Decision thousandRulesMatchLast() {
        return thousandRules.evaluate(thousandthRule);
    }

    @Benchmark
    public Decision oneRule() {
        return oneRule.evaluate(lastRuleMatches);
    }
}
