package dev.sentinel.breakglass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.testing.Documentation;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every break-glass policy shown to users, in the docs and the examples, is a valid policy. */
class DocumentedBreakGlassPoliciesTest {
    @Test
    void everyBreakGlassPolicyInTheDocsParses() throws IOException {
        List<String> blocks = Documentation.yamlBlocks(Documentation.file("docs/breakglass.md"), "version:");
        assertThat(blocks).isNotEmpty();
        for (String yaml : blocks) {
            assertThat(BreakGlassPolicyParser.parse("docs/breakglass.md", yaml).rules())
                    .isNotEmpty();
        }
    }

    @Test
    void theExampleFileParses() throws IOException {
        BreakGlassPolicy policy = BreakGlassPolicyParser.parse(
                "examples/breakglass.yaml", Files.readString(Documentation.file("examples/breakglass.yaml")));
        assertThat(policy.rules()).extracting(BreakGlassRule::name).containsExactly("prod-incident", "staging-weekend");
        assertThat(policy.ruleFor("alice", "prod-eu").orElseThrow().mfa().required())
                .isTrue();
        assertThat(policy.ruleFor("sre-kim", "staging").orElseThrow().maxDuration())
                .isEqualTo(BreakGlassRule.MAX_DURATION);
        assertThat(policy.ruleFor("mallory", "prod-eu")).isEmpty();
    }
}
