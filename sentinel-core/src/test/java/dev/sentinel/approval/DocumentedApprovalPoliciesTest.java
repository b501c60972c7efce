package dev.sentinel.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.testing.Documentation;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every approval policy shown to users, in the docs and the examples, is a valid policy. */
class DocumentedApprovalPoliciesTest {
    @Test
    void everyApprovalPolicyInTheDocsParses() throws IOException {
        List<String> blocks = Documentation.yamlBlocks(Documentation.file("docs/approvals.md"), "version:");
        assertThat(blocks).isNotEmpty();
        for (String yaml : blocks) {
            assertThat(ApprovalPolicyParser.parse("docs/approvals.md", yaml).rules())
                    .isNotEmpty();
        }
    }

    @Test
    void theExampleFileParses() throws IOException {
        ApprovalPolicy policy = ApprovalPolicyParser.parse(
                "examples/approvals.yaml", Files.readString(Documentation.file("examples/approvals.yaml")));
        assertThat(policy.rules())
                .extracting(ApprovalRule::name)
                .containsExactly("prod-admin", "prod", "everything-else");
        assertThat(policy.ruleFor("prod-admin").orElseThrow().approvalsRequired())
                .isEqualTo(2);
        assertThat(policy.ruleFor("prod-eu").orElseThrow().autoApprove()).isNotNull();
    }
}
