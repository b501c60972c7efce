package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.sentinel.policy.PolicyStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Show how FILE differs from the published policy NAME, as a unified diff.",
            "Exits 0 when they are the same and 1 when they differ (like diff(1)). A policy not yet published shows as all added.",
        },
        footer = {"", "Example:", "  sentinel policy diff prod prod.yaml"})
final class PolicyDiffCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description = "The profile (or 'default') whose published policy to compare.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The local policy file.")
    Path file;

    PolicyDiffCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
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
}
