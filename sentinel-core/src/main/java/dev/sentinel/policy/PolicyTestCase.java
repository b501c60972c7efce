package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One case of a policy test file ({@code <policy>.test.yaml} next to the policy, like {@code opa test}):
 * a hypothetical request and what the policy must decide for it. {@code expectedRule} is null when the
 * case only checks the effect, and {@code "-"} when it expects no rule to match.
 */
public record PolicyTestCase(
        String name, int line, EvaluationRequest request, Effect expectedEffect, String expectedRule) {
    /** A Monday at noon UTC: the time of a case that does not give one, so results never depend on the clock. */
    public static final Instant DEFAULT_TIME = Instant.parse("2026-01-05T12:00:00Z");

    private static final List<String> TOP_KEYS = List.of("cases");
    private static final List<String> CASE_KEYS = List.of("name", "request", "expect");
    private static final List<String> REQUEST_KEYS = List.of("profile", "user", "time", "mode", "device");
    private static final List<String> EXPECT_KEYS = List.of("effect", "rule");
    private static final List<String> DEVICE_KEYS =
            List.of("disk_encrypted", "mdm_enrolled", "mdm_compliant", "firewall_enabled", "os_type", "os_version");

    public PolicyTestCase {
        requireNonNull(name, "name is null");
        requireNonNull(request, "request is null");
        requireNonNull(expectedEffect, "expectedEffect is null");
    }

    /** Whether the decision is what the case expects. */
    public boolean passes(Decision decision) {
        if (decision.effect() != expectedEffect) {
            return false;
        }
        if (expectedRule == null) {
            return true;
        }
        return expectedRule.equals("-") ? !decision.matched() : expectedRule.equals(decision.ruleName());
    }

    /**
     * @throws InvalidDocumentException with every problem in the file
     */
    public static List<PolicyTestCase> parse(String source, String text) {
        StrictYaml yaml = new StrictYaml(source);
        List<PolicyTestCase> cases = new ArrayList<>();
        Optional<Node> root = yaml.parse(text);
        if (root.isPresent()) {
            Map<String, Node> top = yaml.mapping(root.get(), "the test file", TOP_KEYS);
            if (!top.containsKey("cases")) {
                yaml.problem(root.get(), "the test file has no 'cases'.", "Add a 'cases:' list (see docs/policy.md).");
            } else {
                for (Node item : yaml.sequence(top.get("cases"), "cases")) {
                    PolicyTestCase parsed = parseCase(yaml, item);
                    if (parsed != null) {
                        cases.add(parsed);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(ErrorCode.POLICY_INVALID, "Policy test file " + source, yaml.problems());
        }
        return cases;
    }

    private static PolicyTestCase parseCase(StrictYaml yaml, Node node) {
        Map<String, Node> fields = yaml.mapping(node, "a test case", CASE_KEYS);
        String name = fields.containsKey("name") ? yaml.string(fields.get("name"), "case name") : null;
        if (name == null) {
            yaml.problem(node, "a test case has no name.", "Add 'name:' so failures can be told apart.");
            return null;
        }
        if (!fields.containsKey("request") || !fields.containsKey("expect")) {
            yaml.problem(node, "case '" + name + "' needs both 'request' and 'expect'.", "");
            return null;
        }
        Map<String, Node> request = yaml.mapping(fields.get("request"), "case '" + name + "' request", REQUEST_KEYS);
        String profile = request.containsKey("profile") ? yaml.string(request.get("profile"), "profile") : null;
        String user = request.containsKey("user") ? yaml.string(request.get("user"), "user") : null;
        if (profile == null || user == null || !ProfileName.isValid(profile)) {
            yaml.problem(
                    fields.get("request"), "case '" + name + "' request needs a valid 'profile' and a 'user'.", "");
            return null;
        }
        Instant time = DEFAULT_TIME;
        if (request.containsKey("time")) {
            String text = yaml.string(request.get("time"), "time");
            try {
                time = text == null ? DEFAULT_TIME : OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException e) {
                yaml.problem(
                        request.get("time"),
                        "case '" + name + "' time '" + text + "' is not a date-time with an offset.",
                        "Write it like \"2026-11-23T09:30:00+01:00\" or \"2026-11-23T08:30:00Z\".");
            }
        }
        Mode mode = Mode.CREDENTIAL_PROCESS;
        if (request.containsKey("mode")) {
            String text = yaml.string(request.get("mode"), "mode");
            mode = Mode.fromYaml(String.valueOf(text)).orElse(null);
            if (mode == null) {
                yaml.problem(
                        request.get("mode"), "unknown mode '" + text + "'.", "Use cli, credential_process or server.");
                return null;
            }
        }
        DevicePosture device = request.containsKey("device") ? device(yaml, request.get("device")) : null;
        Map<String, Node> expect = yaml.mapping(fields.get("expect"), "case '" + name + "' expect", EXPECT_KEYS);
        Effect effect = null;
        if (expect.containsKey("effect")) {
            String text = yaml.string(expect.get("effect"), "expected effect");
            effect = Effect.fromYaml(String.valueOf(text)).orElse(null);
            if (effect == null) {
                yaml.problem(
                        expect.get("effect"), "unknown effect '" + text + "'.", "Use allow, deny, require_approval, …");
            }
        } else {
            yaml.problem(fields.get("expect"), "case '" + name + "' expects no effect.", "Add 'effect:'.");
        }
        String rule = expect.containsKey("rule") ? yaml.string(expect.get("rule"), "expected rule") : null;
        if (effect == null) {
            return null;
        }
        return new PolicyTestCase(
                name,
                StrictYaml.line(node),
                new EvaluationRequest(new ProfileName(profile), user, mode, time, device),
                effect,
                rule);
    }

    private static DevicePosture device(StrictYaml yaml, Node node) {
        Map<String, Node> f = yaml.mapping(node, "device", DEVICE_KEYS);
        return new DevicePosture(
                f.containsKey("disk_encrypted") ? yaml.bool(f.get("disk_encrypted"), "disk_encrypted") : null,
                f.containsKey("mdm_enrolled") ? yaml.bool(f.get("mdm_enrolled"), "mdm_enrolled") : null,
                f.containsKey("mdm_compliant") ? yaml.bool(f.get("mdm_compliant"), "mdm_compliant") : null,
                f.containsKey("firewall_enabled") ? yaml.bool(f.get("firewall_enabled"), "firewall_enabled") : null,
                f.containsKey("os_type") ? yaml.string(f.get("os_type"), "os_type") : null,
                f.containsKey("os_version") ? yaml.string(f.get("os_version"), "os_version") : null);
    }
}
