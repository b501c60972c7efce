package dev.sentinel.approval;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.policy.ConditionParser;
import dev.sentinel.policy.NameSet;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.policy.TimeCondition;
import dev.sentinel.yaml.DurationText;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Parses and validates an approval policy (docs/approvals.md). Validation is as strict as the access
 * policy's: unknown keys, wrong types, out-of-range values, duplicate rule names and rules that can never
 * apply are errors, every problem is reported with file, line, column and a fix hint, and a policy with
 * any problem is never returned.
 */
public final class ApprovalPolicyParser {
    public static final Duration MIN_PENDING_EXPIRY = Duration.ofMinutes(5);
    public static final Duration MAX_PENDING_EXPIRY = Duration.ofDays(7);

    private static final List<String> TOP_KEYS = List.of("version", "description", "pending_expiry", "rules");
    private static final List<String> RULE_KEYS = List.of(
            "name",
            "description",
            "profiles",
            "approvers",
            "approvals_required",
            "allow_self_approval",
            "max_duration",
            "auto_approve");
    private static final List<String> AUTO_APPROVE_KEYS = List.of("users", "time", "max_duration");
    private static final String APPROVERS_HINT =
            "Add 'approvers: [name, ...]' with the users who may approve requests under this rule.";

    private final StrictYaml yaml;
    private final ConditionParser conditions;
    private final List<Scope> scopes = new ArrayList<>();

    /** The part of a rule that decides which requests it applies to, kept even when the rest is invalid. */
    private record Scope(String name, int line, NameSet profiles) {}

    private ApprovalPolicyParser(String source) {
        this.yaml = new StrictYaml(source);
        this.conditions = new ConditionParser(yaml);
    }

    /**
     * @param source what to call the document in messages (a file path or SSM parameter name)
     * @throws InvalidDocumentException with every problem found
     */
    public static ApprovalPolicy parse(String source, String text) {
        return new ApprovalPolicyParser(source).read(text);
    }

    private ApprovalPolicy read(String text) {
        Optional<Node> root = yaml.parse(text);
        Duration pendingExpiry = ApprovalPolicy.DEFAULT_PENDING_EXPIRY;
        List<ApprovalRule> rules = new ArrayList<>();
        if (root.isPresent() && !(root.get() instanceof MappingNode)) {
            yaml.problem(
                    root.get(),
                    "the approval policy must be a mapping with 'version' and 'rules'.",
                    "Start the file with 'version: \"1\"' and a 'rules:' list (see docs/approvals.md).");
        } else if (root.isPresent()) {
            Map<String, Node> top = yaml.mapping(root.get(), "the approval policy", TOP_KEYS);
            Node version = top.get("version");
            if (version == null) {
                yaml.problem(
                        root.get(), "the approval policy has no 'version'.", "Add 'version: \"1\"' as the first line.");
            } else if (!"1".equals(yaml.string(version, "version"))) {
                yaml.problem(version, "unsupported approval policy version.", "Use version: \"1\".");
            }
            if (top.containsKey("description")) {
                yaml.string(top.get("description"), "description");
            }
            if (top.containsKey("pending_expiry")) {
                pendingExpiry = yaml.duration(
                        top.get("pending_expiry"),
                        "pending_expiry",
                        MIN_PENDING_EXPIRY,
                        MAX_PENDING_EXPIRY,
                        "Use a value from 5m to 168h (7 days); requests not decided by then expire.");
            }
            Node rulesNode = top.get("rules");
            if (rulesNode == null) {
                yaml.problem(
                        root.get(),
                        "the approval policy has no 'rules'.",
                        "Add a 'rules:' list; a profile that no rule covers cannot be requested.");
            } else {
                List<Node> items = yaml.sequence(rulesNode, "rules");
                for (int i = 0; i < items.size(); i++) {
                    ApprovalRule rule = rule(items.get(i), i);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(
                    ErrorCode.APPROVAL_POLICY_INVALID, "Approval policy " + yaml.source(), yaml.problems());
        }
        return new ApprovalPolicy(pendingExpiry, rules);
    }

    /** The rule, or null when it has any problem (each one recorded). */
    private ApprovalRule rule(Node node, int index) {
        int problemsBefore = problemCount();
        String where =
                StrictYaml.peek(node, "name").map(n -> "rule '" + n + "'").orElse("rule #" + (index + 1));
        Map<String, Node> fields = yaml.mapping(node, where, RULE_KEYS);
        if (!(node instanceof MappingNode)) {
            return null;
        }
        String name = conditions.uniqueRuleName(node, fields.get("name"), where);
        if (fields.containsKey("description")) {
            yaml.string(fields.get("description"), where + " description");
        }
        int problemsBeforeProfiles = problemCount();
        NameSet profiles = conditions.nonEmptyProfiles(
                fields.get("profiles"),
                where + " profiles",
                "List the profiles the rule covers, or remove 'profiles' to cover every profile.");
        if (name != null && problemCount() == problemsBeforeProfiles) {
            checkReachable(node, new Scope(name, StrictYaml.line(node), profiles));
        }
        NameSet approvers = approvers(node, fields.get("approvers"), where);
        int approvalsRequired = 1;
        Node requiredNode = fields.get("approvals_required");
        if (requiredNode != null) {
            Integer n = yaml.integer(requiredNode, where + " approvals_required");
            if (n != null && n < 1) {
                yaml.problem(
                        requiredNode,
                        where + " approvals_required is " + n + ", but at least one approval is needed.",
                        "Use 1 or more; to grant without an approver use 'auto_approve'.");
            } else if (n != null && approvers != null && !approvers.hasGlobs() && n > distinct(approvers)) {
                yaml.problem(
                        requiredNode,
                        where + " approvals_required is " + n + ", but only " + distinct(approvers)
                                + " approvers are listed, so no request could ever be approved.",
                        "Lower approvals_required to at most " + distinct(approvers) + ", or list more approvers.");
            } else if (n != null) {
                approvalsRequired = n;
            }
        }
        boolean allowSelfApproval = false;
        if (fields.containsKey("allow_self_approval")) {
            allowSelfApproval =
                    Boolean.TRUE.equals(yaml.bool(fields.get("allow_self_approval"), where + " allow_self_approval"));
        }
        Duration maxDuration = ApprovalPolicy.DEFAULT_MAX_DURATION;
        if (fields.containsKey("max_duration")) {
            maxDuration = yaml.duration(
                    fields.get("max_duration"),
                    where + " max_duration",
                    PolicyParser.MIN_CREDENTIAL_DURATION,
                    PolicyParser.MAX_CREDENTIAL_DURATION,
                    "Use a value from 15m to 12h, the lifetimes STS issues.");
        }
        AutoApprove autoApprove = null;
        if (fields.containsKey("auto_approve")) {
            autoApprove = autoApprove(fields.get("auto_approve"), where, maxDuration);
        }
        if (problemCount() != problemsBefore) {
            return null;
        }
        return new ApprovalRule(
                name, profiles, approvers, approvalsRequired, allowSelfApproval, maxDuration, autoApprove);
    }

    /** A rule's profiles decide alone which rule applies, so a rule is dead when an earlier one covers them. */
    private void checkReachable(Node node, Scope scope) {
        for (Scope earlier : scopes) {
            if (NameSet.covers(earlier.profiles(), scope.profiles())) {
                yaml.problem(
                        node,
                        "rule '" + scope.name() + "' can never apply: rule '" + earlier.name() + "' (line "
                                + earlier.line() + ") comes first and covers "
                                + (earlier.profiles() == null
                                        ? "every profile (it has no 'profiles')."
                                        : "every profile this rule names."),
                        "Move '" + scope.name() + "' above '" + earlier.name() + "', narrow the profiles of '"
                                + earlier.name() + "', or delete '" + scope.name() + "'.");
                break;
            }
        }
        scopes.add(scope);
    }

    private NameSet approvers(Node rule, Node node, String where) {
        if (node == null) {
            yaml.problem(rule, where + " has no approvers.", APPROVERS_HINT);
            return null;
        }
        return conditions.nonEmptyUsers(node, where + " approvers", APPROVERS_HINT);
    }

    private AutoApprove autoApprove(Node node, String where, Duration ruleMaxDuration) {
        String what = where + " auto_approve";
        Map<String, Node> fields = yaml.mapping(node, what, AUTO_APPROVE_KEYS);
        if (node instanceof MappingNode mapping && mapping.getValue().isEmpty()) {
            yaml.problem(
                    node,
                    what + " has no conditions, which would approve every request.",
                    "Add at least one of users, time or max_duration, or remove 'auto_approve'.");
        }
        NameSet users = conditions.nonEmptyUsers(
                fields.get("users"),
                what + " users",
                "List the requesters to approve automatically, or remove 'users' to allow any requester.");
        TimeCondition time = fields.containsKey("time") ? conditions.time(fields.get("time"), what) : null;
        Duration maxDuration = null;
        Node durationNode = fields.get("max_duration");
        if (durationNode != null) {
            maxDuration = yaml.duration(durationNode, what + " max_duration");
            if (maxDuration != null && maxDuration.compareTo(PolicyParser.MIN_CREDENTIAL_DURATION) < 0) {
                yaml.problem(
                        durationNode,
                        what + " max_duration " + DurationText.format(maxDuration)
                                + " is shorter than any request can be (15m).",
                        "Use 15m or more.");
            } else if (maxDuration != null && ruleMaxDuration != null && maxDuration.compareTo(ruleMaxDuration) > 0) {
                yaml.problem(
                        durationNode,
                        what + " max_duration " + DurationText.format(maxDuration) + " is longer than the rule's"
                                + " max_duration " + DurationText.format(ruleMaxDuration) + ".",
                        "Auto-approval only covers requests the rule allows; use at most "
                                + DurationText.format(ruleMaxDuration) + ".");
            }
        }
        if (users == null && time == null && maxDuration == null) {
            return null;
        }
        return new AutoApprove(users, time, maxDuration);
    }

    private static int distinct(NameSet names) {
        return (int) names.names().stream().distinct().count();
    }

    private int problemCount() {
        return yaml.problems().size();
    }
}
