package dev.sentinel.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds rules that are valid but probably wrong. Works on the parsed policy only, so every finding names
 * rules and lines the author can go to.
 *
 * <ul>
 *   <li>{@code unreachable-rule}: an earlier rule matches every request this rule matches, so it never decides.
 *   <li>{@code allow-before-deny}: an allow precedes a deny that names overlapping profiles or users, so
 *       the deny only applies where the allow does not (a final catch-all deny is not flagged).
 *   <li>{@code require-server-shadowed}: an earlier allow overlaps a {@code require_server*} rule, so those
 *       requests get credentials outside the server.
 *   <li>{@code overlapping-time-windows}: two rules with different effects cover the same profiles, users and
 *       times; the earlier one silently wins.
 *   <li>{@code unknown-profile}: an exact profile name that is not in the AWS config (only when the caller
 *       passes the known profile names).
 * </ul>
 */
public final class PolicyLinter {
    private PolicyLinter() {}

    /** @param knownProfiles profile names from the AWS config, or null when no config is available */
    public static List<LintFinding> lint(Policy policy, Set<String> knownProfiles) {
        List<LintFinding> findings = new ArrayList<>();
        List<Rule> rules = policy.rules();
        for (int j = 0; j < rules.size(); j++) {
            Rule later = rules.get(j);
            for (int i = 0; i < j; i++) {
                Rule earlier = rules.get(i);
                if (subsumes(earlier.conditions(), later.conditions())) {
                    findings.add(new LintFinding(
                            "unreachable-rule",
                            later.name(),
                            later.line(),
                            "rule '" + later.name() + "' (line " + later.line() + ") can never decide: rule '"
                                    + earlier.name() + "' (line " + earlier.line()
                                    + ") matches every request it would match.",
                            "Move '" + later.name() + "' above '" + earlier.name() + "', narrow '" + earlier.name()
                                    + "', or delete '" + later.name() + "'."));
                    break;
                }
                if (!overlaps(earlier.conditions(), later.conditions())) {
                    continue;
                }
                if (earlier.effect() == Effect.ALLOW
                        && later.effect() == Effect.DENY
                        && namesSomeone(later.conditions())) {
                    findings.add(new LintFinding(
                            "allow-before-deny",
                            later.name(),
                            later.line(),
                            "allow rule '" + earlier.name() + "' (line " + earlier.line() + ") comes before deny rule '"
                                    + later.name()
                                    + "' (line " + later.line()
                                    + ") for overlapping profiles and users; the deny never applies where the"
                                    + " allow matches.",
                            "Put the deny first if it is meant as an exception to the allow."));
                } else if (earlier.effect() == Effect.ALLOW
                        && (later.effect() == Effect.REQUIRE_SERVER
                                || later.effect() == Effect.REQUIRE_SERVER_SESSION)) {
                    findings.add(new LintFinding(
                            "require-server-shadowed",
                            later.name(),
                            later.line(),
                            "allow rule '" + earlier.name() + "' (line " + earlier.line()
                                    + ") grants credentials outside the server for" + " requests that '" + later.name()
                                    + "' (line " + later.line() + ") wants to route through it.",
                            "Move '" + later.name() + "' above '" + earlier.name() + "', or narrow '" + earlier.name()
                                    + "'."));
                } else if (earlier.effect() != later.effect()
                        && earlier.conditions().time() != null
                        && later.conditions().time() != null) {
                    findings.add(new LintFinding(
                            "overlapping-time-windows",
                            later.name(),
                            later.line(),
                            "rules '" + earlier.name() + "' ("
                                    + earlier.effect().yamlName() + ", line " + earlier.line() + ") and '"
                                    + later.name() + "' (" + later.effect().yamlName() + ", line " + later.line()
                                    + ") have overlapping time windows for the same profiles and users; the earlier one wins.",
                            "Make the windows disjoint, or order the rules so the intended one comes first."));
                }
            }
        }
        if (knownProfiles != null) {
            for (Rule rule : rules) {
                NameSet profiles = rule.conditions().profiles();
                if (profiles == null) {
                    continue;
                }
                for (String name : profiles.names()) {
                    if (name.indexOf('*') < 0 && !knownProfiles.contains(name)) {
                        findings.add(new LintFinding(
                                "unknown-profile",
                                rule.name(),
                                rule.line(),
                                "rule '" + rule.name() + "' names profile '" + name
                                        + "', which is not in the AWS config.",
                                "Check the spelling against 'aws configure list-profiles', or add the profile."));
                    }
                }
            }
        }
        return findings;
    }

    /**
     * A deny that names profiles or users is meant for them; a deny that names neither is the usual
     * "everything else" at the end of a policy, and an allow before it is the point, not a mistake.
     */
    private static boolean namesSomeone(Conditions c) {
        return c.profiles() != null || c.users() != null;
    }

    /** Whether every request matching {@code b} also matches {@code a}. Conservative: false when unsure. */
    static boolean subsumes(Conditions a, Conditions b) {
        return NameSet.covers(a.profiles(), b.profiles())
                && NameSet.covers(a.users(), b.users())
                && (a.modes().isEmpty() || !b.modes().isEmpty() && a.modes().containsAll(b.modes()))
                && (a.time() == null || b.time() != null && sameWindow(a.time(), b.time()))
                && (a.device() == null || a.device().equals(b.device()));
    }

    /** Whether some request could match both. Conservative: true when unsure. */
    static boolean overlaps(Conditions a, Conditions b) {
        return namesMeet(a.profiles(), b.profiles())
                && namesMeet(a.users(), b.users())
                && (a.modes().isEmpty()
                        || b.modes().isEmpty()
                        || a.modes().stream().anyMatch(b.modes()::contains))
                && (a.time() == null || b.time() == null || windowsMeet(a.time(), b.time()));
    }

    private static boolean namesMeet(NameSet a, NameSet b) {
        if (a == null || b == null || a.hasGlobs() || b.hasGlobs()) {
            return true;
        }
        Set<String> common = new HashSet<>(a.names());
        common.retainAll(b.names());
        return !common.isEmpty();
    }

    private static boolean sameWindow(TimeCondition a, TimeCondition b) {
        return a.zone().equals(b.zone())
                && a.days().equals(b.days())
                && a.hasHours() == b.hasHours()
                && a.startMinute() == b.startMinute()
                && a.endMinute() == b.endMinute();
    }

    /** Checked minute by minute over one week in the first rule's zone; windows in different zones are assumed to meet. */
    private static boolean windowsMeet(TimeCondition a, TimeCondition b) {
        if (!a.zone().equals(b.zone())) {
            return true;
        }
        long monday = 4 * 86_400L; // 1970-01-05 was a Monday
        for (long minute = 0; minute < 7 * 24 * 60; minute++) {
            long local = monday + minute * 60;
            if (a.matchesLocal(local) && b.matchesLocal(local)) {
                return true;
            }
        }
        return false;
    }
}
