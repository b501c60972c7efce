package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Properties that hold for every policy and request, checked on many random ones. The seed is fixed so
 * a failure is reproducible; the failing policy and request are printed in the assertion message.
 */
class RandomPolicyPropertiesTest {
    private static final long SEED = 20240601L;
    private static final int POLICIES = 500;
    private static final int REQUESTS_PER_POLICY = 40;

    private static final List<String> PROFILES = List.of("dev", "prod", "prod-eu", "staging", "sandbox-alice");
    private static final List<String> PROFILE_PATTERNS = List.of("dev", "prod", "prod-*", "*-alice", "staging", "*");
    private static final List<String> USERS = List.of("alice", "bob", "carol@example.com", "ops.bot", "root");
    private static final List<String> USER_PATTERNS = List.of("alice", "bob", "*@example.com", "ops.*", "root", "*o*");
    private static final List<ZoneId> ZONES = List.of(
            ZoneOffset.UTC,
            ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Australia/Lord_Howe"));
    private static final Instant EARLIEST = Instant.parse("2023-01-01T00:00:00Z");
    private static final long SPAN_SECONDS = 3L * 365 * 24 * 3600;

    private final Random random = new Random(SEED);

    @Test
    void noMatchMeansDeny() {
        forRandomPolicies((policy, request) -> {
            Decision decision = policy.evaluate(request);
            if (!decision.matched()) {
                assertThat(decision.effect())
                        .as(() -> describe(policy, request))
                        .isEqualTo(Effect.DENY);
                assertThat(decision.ruleIndex()).isEqualTo(-1);
                assertThat(decision.reason()).isEqualTo(Decision.NO_MATCH_REASON);
            } else {
                assertThat(decision.effect()).isEqualTo(decision.rule().effect());
                assertThat(policy.rules().get(decision.ruleIndex())).isSameAs(decision.rule());
            }
        });
    }

    @Test
    void rulesAddedAfterTheDecidingRuleNeverChangeTheDecision() {
        forRandomPolicies((policy, request) -> {
            Decision before = policy.evaluate(request);
            if (!before.matched()) {
                return;
            }
            List<Rule> rules = new ArrayList<>(policy.rules());
            int insertAt = before.ruleIndex() + 1 + random.nextInt(rules.size() - before.ruleIndex());
            rules.add(insertAt, randomRule(rules.size()));
            Decision after = new Policy(rules).evaluate(request);

            assertThat(after.ruleIndex()).as(() -> describe(policy, request)).isEqualTo(before.ruleIndex());
            assertThat(after.rule()).isSameAs(before.rule());
            assertThat(after.effect()).isEqualTo(before.effect());
        });
    }

    @Test
    void traceAgreesWithTheDecision() {
        forRandomPolicies((policy, request) -> {
            Decision decision = policy.evaluate(request);
            List<RuleTrace> trace = decision.trace();

            assertThat(trace)
                    .as(() -> describe(policy, request))
                    .hasSize(policy.rules().size());
            for (RuleTrace entry : trace) {
                RuleTrace.Status expected = decision.ruleIndex() < 0 || entry.index() < decision.ruleIndex()
                        ? RuleTrace.Status.NOT_MATCHED
                        : entry.index() == decision.ruleIndex()
                                ? RuleTrace.Status.MATCHED
                                : RuleTrace.Status.NOT_CONSIDERED;
                assertThat(entry.status())
                        .as(() -> "rule " + entry.index() + " of " + describe(policy, request))
                        .isEqualTo(expected);
                assertThat(entry.failed() != null).isEqualTo(expected == RuleTrace.Status.NOT_MATCHED);
                assertThat(entry.detail()).isNotBlank();
            }
        });
    }

    @Test
    void evaluationIsDeterministic() {
        forRandomPolicies((policy, request) -> {
            Decision first = policy.evaluate(request);
            Decision copy = new Policy(policy.rules())
                    .evaluate(new EvaluationRequest(
                            request.profile(), request.user(), request.mode(), request.time(), request.device()));

            assertThat(policy.evaluate(request))
                    .as(() -> describe(policy, request))
                    .isEqualTo(first);
            assertThat(copy.ruleIndex()).isEqualTo(first.ruleIndex());
            assertThat(copy.effect()).isEqualTo(first.effect());
            assertThat(copy.trace()).isEqualTo(first.trace());
        });
    }

    @Test
    void timeConditionAgreesWithJavaTime() {
        for (int i = 0; i < 20_000; i++) {
            TimeCondition time = randomTime();
            Instant instant = randomInstant();
            long local =
                    instant.getEpochSecond() + time.rules().getOffset(instant).getTotalSeconds();

            assertThat(time.matchesLocal(local))
                    .as("%s at %s", time.describe(), instant)
                    .isEqualTo(expectedMatch(time, instant));
        }
    }

    /** The documented meaning of a time condition, written with java.time. */
    private static boolean expectedMatch(TimeCondition time, Instant instant) {
        ZonedDateTime local = instant.atZone(time.zone());
        DayOfWeek day = local.getDayOfWeek();
        int minute = local.getHour() * 60 + local.getMinute();
        if (!time.hasHours()) {
            return time.days().contains(day);
        }
        if (time.startMinute() < time.endMinute()) {
            return time.days().contains(day) && minute >= time.startMinute() && minute < time.endMinute();
        }
        if (minute >= time.startMinute()) {
            return time.days().contains(day);
        }
        return minute < time.endMinute() && time.days().contains(day.minus(1));
    }

    private interface Check {
        void run(Policy policy, EvaluationRequest request);
    }

    private void forRandomPolicies(Check check) {
        for (int p = 0; p < POLICIES; p++) {
            Policy policy = randomPolicy();
            for (int r = 0; r < REQUESTS_PER_POLICY; r++) {
                check.run(policy, randomRequest());
            }
        }
    }

    private Policy randomPolicy() {
        int size = random.nextInt(8);
        List<Rule> rules = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            rules.add(randomRule(i));
        }
        return new Policy(rules);
    }

    private Rule randomRule(int index) {
        Effect effect = Effect.values()[random.nextInt(Effect.values().length)];
        Conditions conditions = new Conditions(
                random.nextInt(3) == 0 ? new NameSet(pick(PROFILE_PATTERNS)) : null,
                random.nextInt(3) == 0 ? new NameSet(pick(USER_PATTERNS)) : null,
                random.nextInt(4) == 0 ? randomModes() : Set.of(),
                random.nextInt(3) == 0 ? randomTime() : null,
                random.nextInt(5) == 0 ? randomDevice() : null);
        return new Rule("rule-" + index + "-" + random.nextInt(1000), effect, conditions, null, null, null, index + 3);
    }

    private Set<Mode> randomModes() {
        Set<Mode> modes = EnumSet.noneOf(Mode.class);
        for (Mode mode : Mode.values()) {
            if (random.nextBoolean()) {
                modes.add(mode);
            }
        }
        return modes;
    }

    private TimeCondition randomTime() {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (random.nextInt(3) == 0) {
                days.add(day);
            }
        }
        Integer start = null;
        Integer end = null;
        if (days.isEmpty() || random.nextBoolean()) {
            start = random.nextInt(24 * 4) * 15;
            do {
                end = 15 + random.nextInt(24 * 4) * 15;
            } while (end.equals(start));
        }
        return new TimeCondition(days, start, end, ZONES.get(random.nextInt(ZONES.size())));
    }

    private DeviceCondition randomDevice() {
        Set<String> osTypes = new HashSet<>(pick(List.of("darwin", "windows", "linux")));
        return new DeviceCondition(
                random.nextBoolean(),
                random.nextBoolean(),
                random.nextBoolean(),
                random.nextBoolean(),
                random.nextBoolean() ? null : random.nextInt(15) + "." + random.nextInt(5),
                osTypes);
    }

    private EvaluationRequest randomRequest() {
        DevicePosture device = random.nextInt(4) == 0
                ? null
                : new DevicePosture(
                        randomFact(),
                        randomFact(),
                        randomFact(),
                        randomFact(),
                        List.of("darwin", "windows", "linux", "freebsd").get(random.nextInt(4)),
                        random.nextInt(16) + "." + random.nextInt(6) + "." + random.nextInt(3));
        return new EvaluationRequest(
                new ProfileName(PROFILES.get(random.nextInt(PROFILES.size()))),
                USERS.get(random.nextInt(USERS.size())),
                Mode.values()[random.nextInt(Mode.values().length)],
                randomInstant(),
                device);
    }

    private Boolean randomFact() {
        int roll = random.nextInt(5);
        return roll == 0 ? null : roll > 1;
    }

    private Instant randomInstant() {
        return EARLIEST.plusSeconds((long) (random.nextDouble() * SPAN_SECONDS));
    }

    private List<String> pick(List<String> from) {
        List<String> picked = new ArrayList<>();
        for (String value : from) {
            if (random.nextInt(3) == 0) {
                picked.add(value);
            }
        }
        if (picked.isEmpty()) {
            picked.add(from.get(random.nextInt(from.size())));
        }
        return picked;
    }

    private static String describe(Policy policy, EvaluationRequest request) {
        StringBuilder sb = new StringBuilder("request ").append(request).append(" against rules:");
        for (Rule rule : policy.rules()) {
            Conditions c = rule.conditions();
            sb.append("\n  ")
                    .append(rule.name())
                    .append(' ')
                    .append(rule.effect())
                    .append(" profiles=")
                    .append(c.profiles())
                    .append(" users=")
                    .append(c.users())
                    .append(" modes=")
                    .append(c.modes())
                    .append(" time=")
                    .append(c.time() == null ? null : c.time().describe())
                    .append(" device=")
                    .append(c.device());
        }
        return sb.toString();
    }
}
