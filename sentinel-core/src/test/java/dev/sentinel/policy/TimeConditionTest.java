package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeConditionTest {
    // 2024-01-01 is a Monday; 2024-01-05 a Friday, 2024-01-06 a Saturday.

    @Test
    void hoursIncludeStartAndExcludeEnd() {
        Policy policy = timePolicy("hours: {start: \"09:00\", end: \"17:00\"}");

        assertThat(matchesAt(policy, "2024-01-03T08:59:59Z")).isFalse();
        assertThat(matchesAt(policy, "2024-01-03T09:00:00Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-03T16:59:59Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-03T17:00:00Z")).isFalse();
    }

    @Test
    void daysRestrictToListedDays() {
        Policy policy = timePolicy("days: [monday, wed]");

        assertThat(matchesAt(policy, "2024-01-01T00:00:00Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-01T23:59:59Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-02T12:00:00Z")).isFalse();
        assertThat(matchesAt(policy, "2024-01-03T12:00:00Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-07T12:00:00Z")).isFalse();
    }

    @Test
    void overnightWindowBelongsToTheDayItStarts() {
        Policy policy = timePolicy("days: [friday]\n        hours: {start: \"22:00\", end: \"02:00\"}");

        assertThat(matchesAt(policy, "2024-01-05T21:59:59Z")).as("friday 21:59").isFalse();
        assertThat(matchesAt(policy, "2024-01-05T22:00:00Z")).as("friday 22:00").isTrue();
        assertThat(matchesAt(policy, "2024-01-05T23:59:59Z")).as("friday 23:59").isTrue();
        assertThat(matchesAt(policy, "2024-01-06T00:00:00Z"))
                .as("saturday 00:00")
                .isTrue();
        assertThat(matchesAt(policy, "2024-01-06T01:00:00Z"))
                .as("saturday 01:00")
                .isTrue();
        assertThat(matchesAt(policy, "2024-01-06T02:00:00Z"))
                .as("saturday 02:00")
                .isFalse();
        assertThat(matchesAt(policy, "2024-01-05T01:00:00Z")).as("friday 01:00").isFalse();
        assertThat(matchesAt(policy, "2024-01-06T22:30:00Z"))
                .as("saturday 22:30")
                .isFalse();
    }

    @Test
    void overnightWindowFromSundayReachesIntoMonday() {
        Policy policy = timePolicy("days: [sunday]\n        hours: {start: \"23:00\", end: \"01:00\"}");

        assertThat(matchesAt(policy, "2024-01-07T23:30:00Z")).as("sunday 23:30").isTrue();
        assertThat(matchesAt(policy, "2024-01-08T00:30:00Z")).as("monday 00:30").isTrue();
        assertThat(matchesAt(policy, "2024-01-07T00:30:00Z")).as("sunday 00:30").isFalse();
    }

    @Test
    void windowEndingAtMidnightIncludesTheLastMinute() {
        Policy policy = timePolicy("days: [wednesday]\n        hours: {start: \"22:00\", end: \"24:00\"}");

        assertThat(matchesAt(policy, "2024-01-03T23:59:59Z")).isTrue();
        assertThat(matchesAt(policy, "2024-01-04T00:00:00Z")).isFalse();
        assertThat(matchesAt(policy, "2024-01-03T21:59:59Z")).isFalse();
    }

    @Test
    void evaluatesHoursInTheRulesTimezone() {
        Policy policy = timePolicy("hours: {start: \"09:00\", end: \"17:00\"}\n        timezone: Asia/Tokyo");

        assertThat(matchesAt(policy, "2024-01-03T00:30:00Z"))
                .as("09:30 in Tokyo")
                .isTrue();
        assertThat(matchesAt(policy, "2024-01-03T09:30:00Z"))
                .as("18:30 in Tokyo")
                .isFalse();
        assertThat(matchesAt(policy, "2024-01-02T23:59:59Z"))
                .as("08:59 in Tokyo")
                .isFalse();
    }

    @Test
    void evaluatesDaysInTheRulesTimezone() {
        Policy policy = timePolicy("days: [monday]\n        timezone: Asia/Tokyo");

        assertThat(matchesAt(policy, "2024-01-07T20:00:00Z"))
                .as("sunday in UTC, monday 05:00 in Tokyo")
                .isTrue();
        assertThat(matchesAt(policy, "2024-01-08T16:00:00Z"))
                .as("monday in UTC, tuesday 01:00 in Tokyo")
                .isFalse();
    }

    @Test
    void followsTheOffsetChangeOnTheDayDaylightSavingStarts() {
        Policy policy = timePolicy("hours: {start: \"08:00\", end: \"09:00\"}\n        timezone: Europe/Berlin");

        assertThat(matchesAt(policy, "2024-03-30T07:30:00Z"))
                .as("saturday 08:30 CET")
                .isTrue();
        assertThat(matchesAt(policy, "2024-03-30T06:30:00Z"))
                .as("saturday 07:30 CET")
                .isFalse();
        assertThat(matchesAt(policy, "2024-03-31T06:30:00Z"))
                .as("sunday 08:30 CEST")
                .isTrue();
        assertThat(matchesAt(policy, "2024-03-31T07:30:00Z"))
                .as("sunday 09:30 CEST")
                .isFalse();
    }

    @Test
    void windowInsideTheSkippedHourNeverMatchesOnThatDay() {
        Policy policy = timePolicy(
                "days: [sunday]\n        hours: {start: \"02:00\", end: \"03:00\"}\n        timezone: Europe/Berlin");

        assertThat(matchesAt(policy, "2024-03-31T00:59:59Z")).as("01:59:59 CET").isFalse();
        assertThat(matchesAt(policy, "2024-03-31T01:00:00Z")).as("03:00 CEST").isFalse();
        assertThat(matchesAt(policy, "2024-03-24T01:30:00Z"))
                .as("02:30 CET a week earlier")
                .isTrue();
    }

    @Test
    void matchesBothOccurrencesOfTheRepeatedHourWhenDaylightSavingEnds() {
        Policy policy = timePolicy(
                "days: [sunday]\n        hours: {start: \"01:00\", end: \"02:00\"}\n        timezone: America/New_York");

        assertThat(matchesAt(policy, "2024-11-03T05:30:00Z")).as("01:30 EDT").isTrue();
        assertThat(matchesAt(policy, "2024-11-03T06:30:00Z")).as("01:30 EST").isTrue();
        assertThat(matchesAt(policy, "2024-11-03T07:00:00Z")).as("02:00 EST").isFalse();
        assertThat(matchesAt(policy, "2024-11-03T04:59:59Z")).as("00:59 EDT").isFalse();
    }

    @Test
    void rulesInDifferentZonesAreEachEvaluatedInTheirOwnZone() {
        Policy policy = PolicyMatchingTest.policy(
                """
                  - name: berlin-office
                    effect: allow
                    conditions:
                      time:
                        hours: {start: "09:00", end: "10:00"}
                        timezone: Europe/Berlin
                  - name: new-york-office
                    effect: require_approval
                    conditions:
                      time:
                        hours: {start: "09:00", end: "10:00"}
                        timezone: America/New_York
                  - name: berlin-again
                    effect: require_server
                    conditions:
                      time:
                        hours: {start: "20:00", end: "21:00"}
                        timezone: Europe/Berlin
                """);

        assertThat(effectAt(policy, "2024-01-03T08:30:00Z")).isEqualTo(Effect.ALLOW);
        assertThat(effectAt(policy, "2024-01-03T14:30:00Z")).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(effectAt(policy, "2024-01-03T19:30:00Z")).isEqualTo(Effect.REQUIRE_SERVER);
        assertThat(effectAt(policy, "2024-01-03T12:00:00Z")).isEqualTo(Effect.DENY);
    }

    @Test
    void handlesInstantsBeforeTheEpoch() {
        Policy policy = timePolicy("days: [wednesday]\n        hours: {start: \"23:00\", end: \"24:00\"}");

        assertThat(matchesAt(policy, "1969-12-31T23:30:00Z"))
                .as("wednesday 1969-12-31 23:30")
                .isTrue();
        assertThat(matchesAt(policy, "1969-12-30T23:30:00Z"))
                .as("tuesday 1969-12-30 23:30")
                .isFalse();
    }

    private static Policy timePolicy(String timeLines) {
        return PolicyMatchingTest.policy(
                """
                  - name: timed
                    effect: allow
                    conditions:
                      time:
                        %s
                """
                        .formatted(timeLines));
    }

    private static boolean matchesAt(Policy policy, String instant) {
        return effectAt(policy, instant) == Effect.ALLOW;
    }

    private static Effect effectAt(Policy policy, String instant) {
        return policy.evaluate(
                        new EvaluationRequest(new ProfileName("dev"), "alice", Mode.CLI, Instant.parse(instant), null))
                .effect();
    }
}
