package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.LintFinding;
import dev.sentinel.policy.Policy;
import dev.sentinel.policy.PolicyLinter;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code policy validate} and {@code policy lint}: one implementation, two emphases. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check policy files: every schema error with file, line, column and a fix (exit 5), then lint warnings (exit 0 unless --strict). Lint checks: unreachable-rule, allow-before-deny, require-server-shadowed, overlapping-time-windows, unknown-profile.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy validate ~/.sentinel/policies/*.yaml",
            "  sentinel policy validate --strict --json prod.yaml"
        })
final class PolicyValidateCommand implements Callable<Integer> {
    private final Platform platform;

    @Mixin
    PolicyCheckOptions options = new PolicyCheckOptions();

    PolicyValidateCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        return check(platform, options.files, options.strict, options.json, options.noAwsConfig);
    }

    static int check(Platform platform, List<Path> files, boolean strict, boolean json, boolean noAwsConfig) {
        Set<String> known = noAwsConfig ? null : knownProfiles(platform);
        List<String> reports = new ArrayList<>();
        boolean failed = false;
        for (Path file : files) {
            List<Problem> errors = List.of();
            List<LintFinding> warnings = List.of();
            try {
                Policy policy = PolicyParser.parse(file.toString(), PolicyFiles.read(file));
                warnings = PolicyLinter.lint(policy, known);
            } catch (InvalidDocumentException e) {
                errors = e.problems();
            }
            failed |= !errors.isEmpty() || strict && !warnings.isEmpty();
            if (json) {
                reports.add(jsonReport(file, errors, warnings));
            } else {
                for (Problem p : errors) {
                    platform.out()
                            .println(p.source() + ":" + p.line() + ":" + p.column() + ": error: " + p.message()
                                    + (p.hint().isEmpty() ? "" : " Fix: " + p.hint()));
                }
                for (LintFinding w : warnings) {
                    platform.out()
                            .println(file + ":" + w.line() + ": warning [" + w.check() + "]: " + w.message() + " Fix: "
                                    + w.hint());
                }
                platform.out()
                        .println(file + ": " + (errors.isEmpty() ? "valid" : "INVALID") + ", " + errors.size()
                                + " error(s), " + warnings.size() + " warning(s)");
            }
        }
        if (json) {
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .field("ok", !failed)
                            .rawField("files", "[" + String.join(",", reports) + "]")
                            .close());
        }
        return failed ? ErrorCode.POLICY_INVALID.exitCode() : 0;
    }

    private static Set<String> knownProfiles(Platform platform) {
        try {
            Set<String> names = Sentinel.open(platform).awsProfileNames();
            return names.isEmpty() ? null : names;
        } catch (SentinelException e) {
            return null;
        }
    }

    private static String jsonReport(Path file, List<Problem> errors, List<LintFinding> warnings) {
        List<String> errorJson = new ArrayList<>();
        for (Problem p : errors) {
            errorJson.add(JsonWriter.object()
                    .field("line", p.line())
                    .field("column", p.column())
                    .field("message", p.message())
                    .field("hint", p.hint())
                    .close());
        }
        List<String> warningJson = new ArrayList<>();
        for (LintFinding w : warnings) {
            warningJson.add(JsonWriter.object()
                    .field("check", w.check())
                    .field("rule", w.rule())
                    .field("line", w.line())
                    .field("message", w.message())
                    .field("hint", w.hint())
                    .close());
        }
        return JsonWriter.object()
                .field("file", file.toString())
                .field("valid", errors.isEmpty())
                .rawField("errors", "[" + String.join(",", errorJson) + "]")
                .rawField("warnings", "[" + String.join(",", warningJson) + "]")
                .close();
    }
}
