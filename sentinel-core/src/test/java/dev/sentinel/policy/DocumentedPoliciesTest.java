package dev.sentinel.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every policy shown in the documentation is a valid policy. */
class DocumentedPoliciesTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    private static List<String> blocks(Path markdown, String start) throws IOException {
        List<String> found = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(Files.readString(markdown));
        while (m.find()) {
            if (m.group(1).startsWith(start)) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    @Test
    void everyPolicyInTheDocsParses() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> documents = List.of(root.resolve("docs/policy.md"), root.resolve("README.md"));
        int checked = 0;
        for (Path document : documents) {
            for (String yaml : blocks(document, "version:")) {
                PolicyParser.parse(document.getFileName().toString(), yaml);
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyPolicyTestExampleParses() throws IOException {
        List<String> examples =
                blocks(Path.of("..").toAbsolutePath().normalize().resolve("docs/policy.md"), "cases:");
        assertThat(examples).isNotEmpty();
        for (String yaml : examples) {
            assertThat(PolicyTestCase.parse("docs/policy.md", yaml)).isNotEmpty();
        }
    }
}
