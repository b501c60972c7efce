package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.sentinel.policy.BehaviourDiff;
import dev.sentinel.policy.EvaluationRequest;
import dev.sentinel.policy.Policy;
import dev.sentinel.policy.PolicyParser;
import dev.sentinel.policy.PolicyStore;
import dev.sentinel.policy.PolicyTestCase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Show how FILE differs from the published policy NAME, as a unified diff; or, with --behaviour, how two policies decide differently.",
            "Exits 0 when they are the same and 1 when they differ (like diff(1)). A policy not yet published shows as all added. With --behaviour OLD NEW, both are policy files; every combination of the profiles, users, modes, days and window boundaries they name (and the cases of --cases) is evaluated by both, and each request whose decision changes is listed.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel policy diff prod prod.yaml",
            "  sentinel policy diff --behaviour prod.yaml prod-new.yaml --cases prod.test.yaml"
        })
final class PolicyDiffCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description =
                    "The profile (or 'default') whose published policy to compare (with --behaviour: the old policy file).")
    String name;

    @Parameters(
            index = "1",
            paramLabel = "FILE",
            description = "The local policy file (with --behaviour: the new policy file).")
    Path file;

    @Option(
            names = "--behaviour",
            description = "Compare decisions, not text: NAME and FILE are the old and new policy files.")
    boolean behaviour;

    @Option(
            names = "--cases",
            paramLabel = "CASES",
            description = "A policy test file whose requests are compared too (with --behaviour).")
    Path cases;

    PolicyDiffCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        if (behaviour) {
            return behaviourDiff();
        }
        PolicyStore store = Sentinel.open(platform).store(Profiles.parse(name));
        List<String> published =
                store.read(name).map(s -> s.text().lines().toList()).orElse(List.of());
        List<String> local = PolicyFiles.read(file).lines().toList();
        Patch<String> patch = DiffUtils.diff(published, local);
        if (patch.getDeltas().isEmpty()) {
            platform.err().println("no differences between " + store.location(name) + " and " + file);
            return 0;
        }
        for (String line :
                UnifiedDiffUtils.generateUnifiedDiff(store.location(name), file.toString(), published, patch, 3)) {
            platform.out().println(line);
        }
        return 1;
    }

    private int behaviourDiff() {
        Path oldFile = Path.of(name);
        Policy before = PolicyParser.parse(oldFile.toString(), PolicyFiles.read(oldFile));
        Policy after = PolicyParser.parse(file.toString(), PolicyFiles.read(file));
        List<EvaluationRequest> extra = new ArrayList<>();
        if (cases != null) {
            for (PolicyTestCase testCase : PolicyTestCase.parse(cases.toString(), PolicyFiles.read(cases))) {
                extra.add(testCase.request());
            }
        }
        BehaviourDiff.Result result = BehaviourDiff.compare(before, after, extra);
        for (BehaviourDiff.Change change : result.changes()) {
            platform.out()
                    .println("profile " + change.profile() + ", user " + change.user() + ", mode "
                            + change.mode().yamlName() + ": "
                            + change.before() + " -> " + change.after() + "  (at "
                            + change.times().size() + " time(s), e.g. "
                            + change.times().get(0) + ")");
        }
        platform.err()
                .println(
                        result.changes().isEmpty()
                                ? "no decision changes across " + result.requests() + " requests"
                                : result.changes().size() + " kind(s) of request change decision (" + result.requests()
                                        + " requests compared)");
        return result.changes().isEmpty() ? 0 : 1;
    }
}
