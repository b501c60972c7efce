package dev.sentinel.registry;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Parses a profile registry (docs/tvm.md) as strictly as a policy: unknown keys, names that are not AWS
 * profile names, role ARNs used as names, malformed role ARNs and out-of-range durations are errors with
 * line, column and a fix, and a registry with any problem is never returned.
 *
 * <pre>
 * version: "1"
 * profiles:
 *   dev-role:
 *     role_arn: arn:aws:iam::123456789012:role/app-dev
 *     duration: 1h
 * </pre>
 */
public final class ProfileRegistryParser {
    public static final Duration MIN_DURATION = Duration.ofMinutes(15);
    public static final Duration MAX_DURATION = Duration.ofHours(12);

    private static final List<String> TOP_KEYS = List.of("version", "profiles");
    private static final List<String> PROFILE_KEYS = List.of("role_arn", "duration", "description");

    private final StrictYaml yaml;

    private ProfileRegistryParser(String source) {
        this.yaml = new StrictYaml(source);
    }

    /**
     * @param source what to call the document in messages (a file path or SSM parameter name)
     * @throws InvalidDocumentException CONFIG_INVALID with every problem found
     */
    public static ProfileRegistry parse(String source, String text) {
        return new ProfileRegistryParser(source).read(text);
    }

    private ProfileRegistry read(String text) {
        Optional<Node> root = yaml.parse(text);
        List<RegisteredProfile> profiles = new ArrayList<>();
        if (root.isPresent()) {
            Map<String, Node> top = yaml.mapping(root.get(), "the profile registry", TOP_KEYS);
            Node version = top.get("version");
            if (version == null && root.get() instanceof MappingNode) {
                yaml.problem(root.get(), "the profile registry has no 'version'.", "Add 'version: \"1\"'.");
            } else if (version != null && !"1".equals(yaml.string(version, "version"))) {
                yaml.problem(version, "unsupported profile registry version.", "Use version: \"1\".");
            }
            Node list = top.get("profiles");
            if (list == null && root.get() instanceof MappingNode) {
                yaml.problem(
                        root.get(),
                        "the profile registry has no 'profiles'.",
                        "Add 'profiles:' with one entry per profile name and its role_arn.");
            } else if (list != null) {
                profiles(list, profiles);
            }
        }
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(
                    ErrorCode.CONFIG_INVALID, "Profile registry " + yaml.source(), yaml.problems());
        }
        return new ProfileRegistry(yaml.source(), profiles);
    }

    private void profiles(Node node, List<RegisteredProfile> into) {
        if (!(node instanceof MappingNode mapping) || mapping.getValue().isEmpty()) {
            yaml.problem(
                    node,
                    "profiles must map each profile name to its role_arn.",
                    "For example:\n    profiles:\n      dev-role:\n        role_arn: arn:aws:iam::123456789012:role/app-dev");
            return;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                yaml.problem(tuple.getKeyNode(), "a profile name must be plain text.", "");
                continue;
            }
            RegisteredProfile profile = profile(key, tuple.getValueNode());
            if (profile != null) {
                into.add(profile);
            }
        }
    }

    private RegisteredProfile profile(ScalarNode key, Node node) {
        String name = key.getValue();
        String where = "profile '" + name + "'";
        boolean valid = true;
        if (ProfileRegistry.isRoleArn(name) || name.startsWith("arn:")) {
            yaml.problem(
                    key,
                    where + " is a role ARN; callers name profiles, never roles.",
                    "Use the profile name from the users' ~/.aws/config as the key and put the ARN in role_arn.");
            valid = false;
        } else if (!ProfileName.isValid(name)) {
            yaml.problem(
                    key,
                    where + " is not a usable AWS profile name.",
                    "Use 1-128 of the characters A-Z a-z 0-9 _ . @ + = , : / -");
            valid = false;
        }
        Map<String, Node> fields = yaml.mapping(node, where, PROFILE_KEYS);
        if (!(node instanceof MappingNode)) {
            return null;
        }
        String roleArn = null;
        Node arnNode = fields.get("role_arn");
        if (arnNode == null) {
            yaml.problem(node, where + " has no role_arn.", "Add 'role_arn: arn:aws:iam::<account>:role/<name>'.");
            valid = false;
        } else {
            roleArn = yaml.string(arnNode, where + " role_arn");
            if (roleArn != null && !ProfileRegistry.isRoleArn(roleArn)) {
                yaml.problem(
                        arnNode,
                        where + " role_arn '" + roleArn + "' is not an IAM role ARN.",
                        "Write it as arn:aws:iam::<12-digit account>:role/<name>.");
                valid = false;
            } else if (roleArn == null) {
                valid = false;
            }
        }
        Duration duration = null;
        if (fields.containsKey("duration")) {
            duration = yaml.duration(
                    fields.get("duration"),
                    where + " duration",
                    MIN_DURATION,
                    MAX_DURATION,
                    "Use 15m to 12h, the lifetimes STS issues (and the role's maximum session duration allows).");
            valid &= duration != null;
        }
        if (fields.containsKey("description")) {
            valid &= yaml.string(fields.get("description"), where + " description") != null;
        }
        return valid ? new RegisteredProfile(new ProfileName(name), roleArn, duration) : null;
    }
}
