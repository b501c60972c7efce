package dev.sentinel.local.mfa;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.mfa.Base32;
import dev.sentinel.mfa.MfaDirectory;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.StrictYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Each user's second factors, from an owner-only YAML file (it holds TOTP secrets, so a file others can
 * read is refused). Read on first use; a missing file means nobody has a second factor enrolled.
 *
 * <pre>
 * users:
 *   alice:
 *     totp_secret: JBSWY3DPEHPK3PXP   # base32, as authenticator apps show it
 *     phone: "+15555550100"           # E.164, for SMS codes
 * </pre>
 */
public final class MfaUsersFile implements MfaDirectory {
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    private record Factors(byte[] totpSecret, String phone) {}

    private final Path file;
    private Map<String, Factors> users;

    public MfaUsersFile(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    @Override
    public Optional<byte[]> totpSecret(String user) {
        Factors factors = users().get(user);
        return factors == null
                ? Optional.empty()
                : Optional.ofNullable(factors.totpSecret()).map(byte[]::clone);
    }

    @Override
    public Optional<String> phone(String user) {
        Factors factors = users().get(user);
        return factors == null ? Optional.empty() : Optional.ofNullable(factors.phone());
    }

    private Map<String, Factors> users() {
        if (users == null) {
            users = load();
        }
        return users;
    }

    private Map<String, Factors> load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read " + file + ": " + e.getMessage(),
                    "Check its permissions.",
                    e);
        }
        PrivateFiles.requireOwnerOnly(file);
        StrictYaml yaml = new StrictYaml(file.toString());
        Map<String, Factors> found = new HashMap<>();
        yaml.parse(text).ifPresent(root -> {
            Map<String, Node> top = yaml.mapping(root, "the MFA users file", List.of("users"));
            if (!top.containsKey("users")) {
                yaml.problem(root, "the MFA users file has no 'users'.", "Add a 'users:' mapping of user names.");
                return;
            }
            if (!(top.get("users") instanceof MappingNode names)) {
                yaml.problem(top.get("users"), "'users' must map user names to their factors.", "");
                return;
            }
            for (NodeTuple entry : names.getValue()) {
                String name = yaml.string(entry.getKeyNode(), "a user name");
                if (name == null) {
                    continue;
                }
                Node node = entry.getValueNode();
                Map<String, Node> fields = yaml.mapping(node, "user " + name, List.of("totp_secret", "phone"));
                byte[] secret = null;
                if (fields.containsKey("totp_secret")) {
                    String value = yaml.string(fields.get("totp_secret"), "totp_secret of " + name);
                    try {
                        secret = value == null ? null : Base32.decode(value);
                    } catch (IllegalArgumentException e) {
                        yaml.problem(
                                fields.get("totp_secret"),
                                "the totp_secret of " + name + " is not base32: " + e.getMessage(),
                                "Copy the secret exactly as the authenticator app's setup shows it (A-Z, 2-7).");
                    }
                }
                String phone =
                        fields.containsKey("phone") ? yaml.string(fields.get("phone"), "phone of " + name) : null;
                if (phone != null && !E164.matcher(phone).matches()) {
                    yaml.problem(
                            fields.get("phone"),
                            "the phone of " + name + " is not an E.164 number.",
                            "Write it with the country code, for example \"+15555550100\".");
                    phone = null;
                }
                if (found.put(name, new Factors(secret, phone)) != null) {
                    yaml.problem(entry.getKeyNode(), "user " + name + " appears twice.", "Keep one entry per user.");
                }
            }
        });
        if (yaml.hasProblems()) {
            throw new InvalidDocumentException(ErrorCode.CONFIG_INVALID, "MFA users file " + file, yaml.problems());
        }
        return Map.copyOf(found);
    }
}
