package dev.sentinel.policy;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.EnumSet;
import java.util.Set;

/**
 * Days of the week and an hour window {@code [start, end)} in an IANA time zone, resolved at load.
 * A window whose start is after its end runs overnight; its early-morning part belongs to the day the
 * window started, so {@code days: [friday]} with {@code 22:00-02:00} covers Saturday 01:00.
 */
public final class TimeCondition {
    private static final int MINUTES_PER_DAY = 24 * 60;

    private final int dayMask;
    private final int startMinute;
    private final int endMinute;
    private final boolean hasHours;
    private final ZoneId zone;
    private final ZoneRules rules;

    TimeCondition(Set<DayOfWeek> days, Integer startMinute, Integer endMinute, ZoneId zone) {
        int mask = 0;
        for (DayOfWeek day : days) {
            mask |= 1 << (day.getValue() - 1);
        }
        this.dayMask = days.isEmpty() ? 0x7f : mask;
        this.hasHours = startMinute != null;
        this.startMinute = hasHours ? startMinute : 0;
        this.endMinute = hasHours ? endMinute : MINUTES_PER_DAY;
        this.zone = zone;
        this.rules = zone.getRules();
    }

    ZoneRules rules() {
        return rules;
    }

    /** Whether {@code instant} falls inside, in this condition's zone. */
    public boolean matches(java.time.Instant instant) {
        return matchesLocal(instant.getEpochSecond() + rules.getOffset(instant).getTotalSeconds());
    }

    /**
     * How long from {@code now} this condition keeps holding, at most {@code max}: zero when it does not
     * hold now. Checked minute by minute, so it follows overnight windows and daylight-saving changes.
     */
    public java.time.Duration remaining(java.time.Instant now, java.time.Duration max) {
        if (!matches(now)) {
            return java.time.Duration.ZERO;
        }
        java.time.Instant limit = now.plus(max);
        java.time.Instant at =
                now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        while (at.isBefore(limit)) {
            if (!matches(at)) {
                return java.time.Duration.between(now, at);
            }
            at = at.plusSeconds(60);
        }
        return max;
    }

    /** Whether the local time (seconds since the epoch, already shifted into this zone) is inside. */
    boolean matchesLocal(long localEpochSecond) {
        long epochDay = Math.floorDiv(localEpochSecond, 86_400L);
        int minute = (int) (Math.floorMod(localEpochSecond, 86_400L) / 60);
        // 1970-01-01 was a Thursday: Monday-based index 3.
        int dayIndex = (int) Math.floorMod(epochDay + 3, 7L);
        if (!hasHours) {
            return dayAllowed(dayIndex);
        }
        if (startMinute < endMinute) {
            return minute >= startMinute && minute < endMinute && dayAllowed(dayIndex);
        }
        if (minute >= startMinute) {
            return dayAllowed(dayIndex);
        }
        return minute < endMinute && dayAllowed((dayIndex + 6) % 7);
    }

    private boolean dayAllowed(int mondayBasedIndex) {
        return (dayMask & (1 << mondayBasedIndex)) != 0;
    }

    public Set<DayOfWeek> days() {
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            if ((dayMask & (1 << (day.getValue() - 1))) != 0) {
                days.add(day);
            }
        }
        return days;
    }

    public boolean hasHours() {
        return hasHours;
    }

    public int startMinute() {
        return startMinute;
    }

    public int endMinute() {
        return endMinute;
    }

    public ZoneId zone() {
        return zone;
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(dayMask == 0x7f ? "any day" : days().toString().toLowerCase(java.util.Locale.ROOT));
        if (hasHours) {
            sb.append(' ').append(hhmm(startMinute)).append('-').append(hhmm(endMinute));
        }
        return sb.append(' ').append(zone.getId()).toString();
    }

    static String hhmm(int minutes) {
        return String.format("%02d:%02d", minutes / 60, minutes % 60);
    }
}
