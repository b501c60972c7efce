package dev.sentinel.policy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what two policies decide, so a reviewer sees what a change does rather than which lines it
 * touches. The requests are every combination of the profiles, users and modes either policy names
 * (plus one name neither lists), on every day of a week at every window boundary either policy uses
 * (and the minute before it), in every time zone either uses; plus any requests the caller adds, such
 * as the policy's test cases. Requests whose decision changes are grouped by everything but the time.
 */
public final class BehaviourDiff {
    /** A monday; the generated week starts here. */
    private static final LocalDate WEEK = LocalDate.of(2026, 1, 5);

    static final String UNLISTED_PROFILE = "unlisted-profile";
    static final String UNLISTED_USER = "unlisted-user";

    /** One changed decision: the request (without time), the decisions before and after, and when. */
    public record Change(String profile, String user, Mode mode, String before, String after, List<String> times) {}

    public record Result(int requests, List<Change> changes) {}

    private BehaviourDiff() {}

    public static Result compare(Policy before, Policy after, List<EvaluationRequest> extra) {
        Map<String, Change> changes = new LinkedHashMap<>();
        List<EvaluationRequest> requests = new ArrayList<>(generate(before, after));
        requests.addAll(extra);
        for (EvaluationRequest request : requests) {
            String was = describe(before.evaluate(request));
            String now = describe(after.evaluate(request));
            if (!was.equals(now)) {
                String key =
                        request.profile() + "\0" + request.user() + "\0" + request.mode() + "\0" + was + "\0" + now;
                Change change = changes.computeIfAbsent(
                        key,
                        k -> new Change(
                                request.profile().value(),
                                request.user(),
                                request.mode(),
                                was,
                                now,
                                new ArrayList<>()));
                change.times().add(request.time().toString());
            }
        }
        return new Result(requests.size(), List.copyOf(changes.values()));
    }

    private static String describe(Decision decision) {
        return decision.effect().yamlName()
                + (decision.matched() ? " (rule '" + decision.ruleName() + "')" : " (no rule matched)");
    }

    static List<EvaluationRequest> generate(Policy before, Policy after) {
        Set<String> profiles = new TreeSet<>(Set.of(UNLISTED_PROFILE));
        Set<String> users = new TreeSet<>(Set.of(UNLISTED_USER));
        Set<ZoneId> zones = new LinkedHashSet<>(List.of(ZoneOffset.UTC));
        Set<Integer> minutes = new TreeSet<>(List.of(0, 12 * 60));
        for (Policy policy : List.of(before, after)) {
            for (Rule rule : policy.rules()) {
                Conditions c = rule.conditions();
                addNames(profiles, c.profiles());
                addNames(users, c.users());
                if (c.time() != null) {
                    zones.add(c.time().zone());
                    for (int m : new int[] {c.time().startMinute(), c.time().endMinute()}) {
                        minutes.add(m % (24 * 60));
                        minutes.add(Math.floorMod(m - 1, 24 * 60));
                    }
                }
            }
        }
        List<EvaluationRequest> requests = new ArrayList<>();
        for (ZoneId zone : zones) {
            for (DayOfWeek day : DayOfWeek.values()) {
                for (int minute : minutes) {
                    java.time.Instant time = WEEK.plusDays(day.ordinal())
                            .atTime(LocalTime.of(minute / 60, minute % 60))
                            .atZone(zone)
                            .toInstant();
                    for (String profile : profiles) {
                        for (String user : users) {
                            for (Mode mode : Mode.values()) {
                                requests.add(new EvaluationRequest(new ProfileName(profile), user, mode, time, null));
                            }
                        }
                    }
                }
            }
        }
        return requests;
    }

    /** Exact names, and for a glob one name it matches (the glob with its stars replaced). */
    private static void addNames(Set<String> into, NameSet names) {
        if (names == null) {
            return;
        }
        for (String name : names.names()) {
            into.add(name.replace("*", "x"));
        }
    }
}
