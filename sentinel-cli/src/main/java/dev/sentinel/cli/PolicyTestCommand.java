package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.Decision;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicyTestCase;
import dev.sentinel.policy.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run policy tests: every NAME.test.yaml in DIR tests the policy NAME.yaml beside it.",
            "Each case is a request and the expected effect (and rule). Failures print the explain trace; rules that no case exercised are listed. Exits 5 (POLICY_TEST_FAILED) on any failure.",
        },
        footer = {
            "",
            "Example test file (prod.test.yaml):",
            "  cases:",
            "    - name: alice may use prod in office hours",
            "      request: {profile: prod, user: alice, time: \"2026-11-23T09:30:00+01:00\"}",
            "      expect: {effect: allow, rule: office-hours}",
            "",
            "  sentinel policy test ~/.sentinel/policies"
        })
final class PolicyTestCommand implements Callable<Integer> {
    static final String SUFFIX = ".test.yaml";

    private final Platform platform;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            description = "Directory with policies and their tests (default: the configured policy directory).")
    Path directory;

    PolicyTestCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() throws IOException {
        Path dir =
                directory != null ? directory : Sentinel.open(platform).config().policyPath();
        if (!Files.isDirectory(dir)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    dir + " is not a directory.",
                    "Pass the directory that holds NAME.yaml and NAME.test.yaml.");
        }
        List<Path> testFiles;
        try (Stream<Path> listing = Files.list(dir)) {
            testFiles = listing.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .toList();
        }
        if (testFiles.isEmpty()) {
            throw new SentinelException(
                    ErrorCode.POLICY_TEST_FAILED,
                    "No policy tests (*" + SUFFIX + ") in " + dir + ".",
                    "Write NAME" + SUFFIX + " next to NAME.yaml; see 'sentinel policy test --help'.");
        }
        int passed = 0;
        int failed = 0;
        for (Path testFile : testFiles) {
            String base = testFile.getFileName().toString();
            Path policyFile = dir.resolve(base.substring(0, base.length() - SUFFIX.length()) + ".yaml");
            LoadedPolicy policy = LoadedPolicy.parse(policyFile.toString(), PolicyFiles.read(policyFile));
            Set<String> unexercised = new LinkedHashSet<>();
            for (Rule rule : policy.policy().rules()) {
                unexercised.add(rule.name());
            }
            for (PolicyTestCase testCase : PolicyTestCase.parse(testFile.toString(), PolicyFiles.read(testFile))) {
                Decision decision = policy.policy().evaluate(testCase.request());
                if (decision.matched()) {
                    unexercised.remove(decision.ruleName());
                }
                if (testCase.passes(decision)) {
                    passed++;
                    continue;
                }
                failed++;
                platform.out().println("FAIL " + testFile + ":" + testCase.line() + ": " + testCase.name());
                platform.out()
                        .println("  expected " + testCase.expectedEffect().yamlName()
                                + (testCase.expectedRule() == null ? "" : " by rule '" + testCase.expectedRule() + "'")
                                + ", got "
                                + decision.effect().yamlName()
                                + (decision.matched()
                                        ? " by rule '" + decision.ruleName() + "'"
                                        : " (no rule matched)"));
                PolicyExplainCommand.text(policy, decision, testCase.request().time())
                        .lines()
                        .forEach(line -> platform.out().println("  " + line));
            }
            if (!unexercised.isEmpty()) {
                platform.out()
                        .println(policyFile + ": " + unexercised.size() + " rule(s) no test exercised: "
                                + String.join(", ", new ArrayList<>(unexercised)));
            }
        }
        platform.out().println("policy tests: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : ErrorCode.POLICY_TEST_FAILED.exitCode();
    }
}
