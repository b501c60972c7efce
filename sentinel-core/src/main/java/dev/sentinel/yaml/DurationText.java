package dev.sentinel.yaml;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in Sentinel's YAML and flags: {@code 90s}, {@code 15m}, {@code 1h30m}. */
public final class DurationText {
    private static final Pattern FORMAT = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,6})m)?(?:(\\d{1,7})s)?");

    private DurationText() {}

    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            return Optional.empty();
        }
        Duration d = Duration.ZERO;
        if (m.group(1) != null) {
            d = d.plusHours(Long.parseLong(m.group(1)));
        }
        if (m.group(2) != null) {
            d = d.plusMinutes(Long.parseLong(m.group(2)));
        }
        if (m.group(3) != null) {
            d = d.plusSeconds(Long.parseLong(m.group(3)));
        }
        return Optional.of(d);
    }

    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        StringBuilder sb = new StringBuilder();
        if (seconds >= 3600) {
            sb.append(seconds / 3600).append('h');
            seconds %= 3600;
        }
        if (seconds >= 60) {
            sb.append(seconds / 60).append('m');
            seconds %= 60;
        }
        if (seconds > 0 || sb.isEmpty()) {
            sb.append(seconds).append('s');
        }
        return sb.toString();
    }
}
