package dev.sentinel.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A list of names from a policy condition: exact names and {@code *} globs (for example
 * {@code prod-*}). Compiled once at load; matching allocates nothing.
 */
public final class NameSet {
    private final List<String> written;
    private final Set<String> exact;
    private final Pattern[] globs;

    NameSet(List<String> names) {
        this.written = List.copyOf(names);
        List<String> exactNames = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String name : names) {
            if (name.indexOf('*') >= 0) {
                patterns.add(globToPattern(name));
            } else {
                exactNames.add(name);
            }
        }
        this.exact = Set.copyOf(exactNames);
        this.globs = patterns.toArray(new Pattern[0]);
    }

    public boolean matches(String value) {
        if (exact.contains(value)) {
            return true;
        }
        for (Pattern glob : globs) {
            if (glob.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The names as written in the policy, in order. */
    public List<String> names() {
        return written;
    }

    public boolean hasGlobs() {
        return globs.length > 0;
    }

    /**
     * Whether every name {@code inner} matches is also matched by {@code outer}, where null means "any
     * name". Conservative: globs are not compared with each other, so a set with globs is covered only by
     * one that lists {@code *}.
     */
    public static boolean covers(NameSet outer, NameSet inner) {
        if (outer == null) {
            return true;
        }
        if (inner == null || inner.hasGlobs()) {
            return outer.written.contains("*");
        }
        for (String name : inner.written) {
            if (!outer.matches(name)) {
                return false;
            }
        }
        return true;
    }

    private static Pattern globToPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return written.toString();
    }
}
