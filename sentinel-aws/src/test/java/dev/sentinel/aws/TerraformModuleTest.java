package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import dev.sentinel.aws.testing.MotoServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The Terraform module under {@code deploy/terraform/sentinel-tvm}, checked without Terraform (which the
 * build machines cannot install): every file is parsed with an HCL parser and the module's security
 * properties are asserted on the parsed blocks, with the raw text where the parser does not evaluate an
 * expression. The tables' keys and indexes are compared with the tables the stores themselves create.
 */
class TerraformModuleTest {
    private static final Path MODULE = Path.of("..", "deploy", "terraform", "sentinel-tvm");
    private static final Set<String> FILES = Set.of("main.tf", "variables.tf", "outputs.tf", "versions.tf");
    private static final Pattern VAR = Pattern.compile("\\bvar\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern LOCAL = Pattern.compile("\\blocal\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern RESOURCE_REF =
            Pattern.compile("(?<![\\w.\"])((?:data\\.)?aws_[a-z0-9_]+)\\.([a-z_][a-z0-9_]*)\\b");

    private static Map<String, Object> main;
    private static Map<String, Object> variables;
    private static Map<String, Object> outputs;
    private static String text;
    /** main.tf and outputs.tf: where variables are used (validations in variables.tf do not count). */
    private static String usage;

    @BeforeAll
    static void parse() throws IOException {
        assertThat(MODULE.resolve("main.tf"))
                .as("the module, relative to sentinel-aws")
                .isRegularFile();
        try (Stream<Path> files = Files.list(MODULE)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tf")))
                    .containsExactlyInAnyOrderElementsOf(FILES);
        }
        main = parse("main.tf");
        variables = map(parse("variables.tf").get("variable"));
        outputs = map(parse("outputs.tf").get("output"));
        assertThat(parse("versions.tf")).containsKey("terraform");
        StringBuilder all = new StringBuilder();
        for (String file : new TreeSet<>(FILES)) {
            all.append(Files.readString(MODULE.resolve(file))).append('\n');
        }
        text = all.toString();
        usage = Files.readString(MODULE.resolve("main.tf")) + "\n" + Files.readString(MODULE.resolve("outputs.tf"));
    }

    private static Map<String, Object> parse(String file) {
        try {
            return new HCLParser().parse(MODULE.resolve(file).toFile(), "UTF-8");
        } catch (Exception e) {
            throw new AssertionError(file + " does not parse as HCL: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /**
     * The block's attributes as text: the parser keeps references it cannot resolve (such as
     * {@code var.x} or {@code aws_iam_role.tvm.arn}) as expression objects that print as written.
     */
    private static Map<String, String> printed(Map<String, Object> block) {
        Map<String, String> attributes = new TreeMap<>();
        block.forEach((key, value) -> attributes.put(key, String.valueOf(value)));
        return attributes;
    }

    /** A block that appears once parses as a map, several times as a list of maps. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> blocks(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TerraformModuleTest::map).toList();
        }
        return List.of((Map<String, Object>) value);
    }

    private static Map<String, Object> resources(String type) {
        return map(map(main.get("resource")).get(type));
    }

    private static Map<String, Object> policyDocuments() {
        return map(map(map(main.get("data")).get("aws_iam_policy_document")));
    }

    /** Every statement of a policy document, including those of dynamic blocks. */
    private static List<Map<String, Object>> statements(Map<String, Object> document) {
        List<Map<String, Object>> statements = new ArrayList<>(blocks(document.get("statement")));
        if (document.containsKey("dynamic")) {
            for (Map<String, Object> dynamic :
                    blocks(map(document.get("dynamic")).get("statement"))) {
                statements.add(map(dynamic.get("content")));
            }
        }
        return statements;
    }

    /** The raw text of a top-level block such as {@code data "aws_iam_policy_document" "tvm"}. */
    private static String block(String header) {
        int start = text.indexOf(header + " {");
        assertThat(start).as(header).isNotNegative();
        int depth = 0;
        for (int i = text.indexOf('{', start); i < text.length(); i++) {
            depth += text.charAt(i) == '{' ? 1 : text.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return text.substring(start, i + 1);
            }
        }
        throw new AssertionError("unbalanced block " + header);
    }

    @Test
    void everyTableIsEncryptedRecoverableAndProtectedFromDeletion() {
        Map<String, Object> tables = resources("aws_dynamodb_table");
        assertThat(tables).containsOnlyKeys("sessions", "rate_limits", "requests", "breakglass");
        tables.forEach((name, value) -> {
            Map<String, Object> table = map(value);
            assertThat(table.get("deletion_protection_enabled")).as(name).isEqualTo(true);
            assertThat(map(table.get("point_in_time_recovery")).get("enabled"))
                    .as(name)
                    .isEqualTo(true);
            Map<String, Object> sse = map(table.get("server_side_encryption"));
            assertThat(sse.get("enabled")).as(name).isEqualTo(true);
            assertThat(printed(sse)).as(name).containsEntry("kms_key_arn", "var.table_kms_key_arn");
            assertThat(table.get("billing_mode")).as(name).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.get("hash_key")).as(name).isEqualTo("id");
            assertThat(blocks(table.get("attribute"))).as(name).contains(Map.of("name", "id", "type", "S"));
        });
        assertThat(variables).containsKey("table_kms_key_arn");
        assertThat(map(variables.get("table_kms_key_arn"))).containsEntry("default", null);
    }

    @Test
    void expiringStateHasTtlAndAuditRecordsDoNot() {
        Map<String, Object> tables = resources("aws_dynamodb_table");
        // The attributes the stores write: DynamoDbSessionStore "ttl", DynamoDbRateLimiter "expires_at".
        Map<String, String> ttlAttributes = Map.of("sessions", "ttl", "rate_limits", "expires_at");
        ttlAttributes.forEach((expiring, attribute) -> assertThat(
                        map(map(tables.get(expiring)).get("ttl")))
                .as(expiring)
                .containsEntry("attribute_name", attribute)
                .containsEntry("enabled", true));
        for (String audit : List.of("requests", "breakglass")) {
            assertThat(map(tables.get(audit))).as(audit).doesNotContainKey("ttl");
        }
    }

    @Test
    void tablesHaveTheKeysAndIndexesTheStoresCreate() {
        try (MotoServer moto = MotoServer.start();
                DynamoDbClient dynamo = DynamoDbSessionStoreTest.client(moto.endpoint())) {
            DynamoDbApprovalStore.createTable(dynamo, "requests");
            DynamoDbBreakGlassStore.createTable(dynamo, "breakglass");
            Map<String, Object> tables = resources("aws_dynamodb_table");
            for (String name : List.of("requests", "breakglass")) {
                TableDescription created =
                        dynamo.describeTable(b -> b.tableName(name)).table();
                Map<String, Object> declared = map(tables.get(name));
                assertThat(indexes(declared)).as(name).isEqualTo(indexes(created));
                Set<String> declaredAttributes = blocks(declared.get("attribute")).stream()
                        .map(a -> a.get("name") + ":" + a.get("type"))
                        .collect(Collectors.toCollection(TreeSet::new));
                Set<String> createdAttributes = created.attributeDefinitions().stream()
                        .map(a -> a.attributeName() + ":" + a.attributeTypeAsString())
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(declaredAttributes).as(name).isEqualTo(createdAttributes);
            }
        }
        assertThat(DynamoDbBreakGlassStore.INVOKER_INDEX).isEqualTo("gsi-invoker");
    }

    private static Map<String, String> indexes(Map<String, Object> declared) {
        Map<String, String> indexes = new TreeMap<>();
        for (Map<String, Object> gsi : blocks(declared.get("global_secondary_index"))) {
            indexes.put(
                    (String) gsi.get("name"),
                    gsi.get("hash_key") + "/" + gsi.get("range_key") + "/" + gsi.get("projection_type"));
        }
        return indexes;
    }

    private static Map<String, String> indexes(TableDescription created) {
        Map<String, String> indexes = new TreeMap<>();
        for (GlobalSecondaryIndexDescription gsi : created.globalSecondaryIndexes()) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (KeySchemaElement key : gsi.keySchema()) {
                keys.put(key.keyTypeAsString(), key.attributeName());
            }
            indexes.put(
                    gsi.indexName(),
                    keys.get("HASH") + "/" + keys.get("RANGE") + "/"
                            + gsi.projection().projectionTypeAsString());
        }
        return indexes;
    }

    @Test
    void theApiHasExactlyTheThreeRoutesAndEachNeedsAwsIam() {
        Map<String, Object> locals = map(main.get("locals"));
        Map<String, Object> routes = map(locals.get("routes"));
        assertThat(new TreeSet<>(routes.values()))
                .containsExactly("GET /credentials", "GET /profiles", "POST /sessions");
        Map<String, Object> routeResources = resources("aws_apigatewayv2_route");
        assertThat(routeResources).hasSize(1);
        Map<String, Object> route = map(routeResources.values().iterator().next());
        assertThat(route.get("for_each")).isEqualTo(routes);
        assertThat(printed(route)).containsEntry("route_key", "each.value");
        assertThat(route.get("authorization_type")).isEqualTo("AWS_IAM");
        assertThat(text).doesNotContain("authorization_type = \"NONE\"");

        assertThat(map(resources("aws_apigatewayv2_api").get("tvm")).get("protocol_type"))
                .isEqualTo("HTTP");
        Map<String, Object> integration =
                map(resources("aws_apigatewayv2_integration").get("tvm"));
        assertThat(integration)
                .containsEntry("integration_type", "AWS_PROXY")
                .containsEntry("payload_format_version", "2.0");
        Map<String, Object> permission = map(resources("aws_lambda_permission").get("api"));
        assertThat(permission.get("for_each"))
                .as("one invoke permission per route")
                .isEqualTo(routes);
        assertThat(permission).containsEntry("principal", "apigateway.amazonaws.com");
        assertThat(block("resource \"aws_lambda_permission\" \"api\""))
                .contains(
                        "source_arn    = \"${aws_apigatewayv2_api.tvm.execution_arn}/*/${replace(each.value, \" \", \"\")}\"");
    }

    @Test
    void protectedRolesTrustOnlyTheTvmWithASentinelSourceIdentityAndAllowSourceIdentityAndTags() {
        List<Map<String, Object>> trust = statements(map(policyDocuments().get("protected_trust")));
        assertThat(trust).singleElement().satisfies(statement -> {
            assertThat(statement.get("effect")).isEqualTo("Allow");
            assertThat(list(statement.get("actions")))
                    .containsExactlyInAnyOrder("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession");
            assertThat(printed(map(statement.get("principals"))))
                    .containsEntry("type", "AWS")
                    .containsEntry("identifiers", "[aws_iam_role.tvm.arn]");
            assertThat(map(statement.get("condition")))
                    .containsEntry("test", "StringLike")
                    .containsEntry("variable", "sts:SourceIdentity")
                    .containsEntry("values", List.of("sentinel.*"));
        });
        assertThat(printed(map(resources("aws_iam_role").get("protected"))))
                .containsEntry("assume_role_policy", "data.aws_iam_policy_document.protected_trust.json");
        assertThat(outputs).containsKey("protected_role_trust_policy_json");
    }

    @Test
    void nothingMayAssumeEveryRoleAndNothingIsAllowedEverything() {
        policyDocuments().forEach((name, document) -> {
            for (Map<String, Object> statement : statements(map(document))) {
                List<Object> actions = list(statement.get("actions"));
                Object resources = statement.get("resources");
                assertThat(actions).as(name).doesNotContain("*", "sts:*", "iam:*", "dynamodb:*", "ssm:*");
                if (actions.stream().anyMatch(a -> a.toString().startsWith("sts:")) && resources instanceof List) {
                    assertThat(list(resources)).as(name + ": sts resources").doesNotContain("*");
                }
            }
        });
        assertThat(text).doesNotContainPattern("resources\\s*=\\s*\\[\\s*\"\\*\"");
        // The parser does not evaluate values(...): check the expression itself.
        assertThat(block("data \"aws_iam_policy_document\" \"tvm\""))
                .containsPattern(
                        "sid\\s*=\\s*\"AssumeProtectedRoles\"[^}]*resources\\s*=\\s*values\\(local\\.profile_roles\\)");
        assertThat(block("data \"aws_iam_policy_document\" \"revoker\""))
                .containsPattern("resources\\s*=\\s*values\\(local\\.profile_roles\\)");
        assertThat(text)
                .containsPattern(
                        "profile_roles = merge\\(\\s*\\{ for profile, role in aws_iam_role\\.protected : profile => role\\.arn \\},\\s*var\\.existing_protected_roles,");
    }

    @Test
    void theExecutionRoleGetsOnlyWhatTheTvmUses() {
        Map<String, List<Object>> actions = new TreeMap<>();
        for (Map<String, Object> statement : statements(map(policyDocuments().get("tvm")))) {
            assertThat(statement.get("effect")).isEqualTo("Allow");
            actions.put((String) statement.get("sid"), list(statement.get("actions")));
        }
        assertThat(actions)
                .containsOnlyKeys(
                        "AssumeProtectedRoles",
                        "OwnTables",
                        "PolicyParameters",
                        "OwnLogs",
                        "VerifyPolicySignatures",
                        "TableEncryptionThroughDynamoDb");
        assertThat(actions.get("AssumeProtectedRoles"))
                .containsExactlyInAnyOrder("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession");
        assertThat(actions.get("OwnTables"))
                .allSatisfy(a -> assertThat(a.toString()).startsWith("dynamodb:"))
                .doesNotContain("dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:UpdateTable");
        assertThat(actions.get("PolicyParameters"))
                .containsExactlyInAnyOrder("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath");
        assertThat(actions.get("OwnLogs")).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
        String tvm = block("data \"aws_iam_policy_document\" \"tvm\"");
        assertThat(tvm)
                .contains("resources = concat(local.tables, [for table in local.tables : \"${table}/index/*\"])")
                .contains("parameter${var.policy_parameter_prefix}/*")
                .contains("parameter${var.signature_parameter_prefix}/*")
                .contains("[for parameter in aws_ssm_parameter.workflow_policy : parameter.arn]")
                .contains("resources = [\"${aws_cloudwatch_log_group.tvm.arn}:*\"]");
        assertThat(printed(map(resources("aws_iam_role_policy").get("tvm"))))
                .containsEntry("policy", "data.aws_iam_policy_document.tvm.json");
    }

    @Test
    void theFunctionRunsJavaWithTheTvmHandlerFromTheGivenJar() {
        assertThat(map(variables.get("lambda_handler")))
                .containsEntry("default", "dev.sentinel.lambda.TvmHandler::handleRequest");
        assertThat(map(variables.get("lambda_runtime"))).containsEntry("default", "java21");
        assertThat(block("variable \"lambda_runtime\""))
                .contains("contains([\"java17\", \"java21\"], var.lambda_runtime)");
        assertThat(map(variables.get("lambda_jar_path"))).doesNotContainKey("default");
        assertThat(printed(map(resources("aws_lambda_function").get("tvm"))))
                .containsEntry("runtime", "var.lambda_runtime")
                .containsEntry("handler", "var.lambda_handler")
                .containsEntry("filename", "var.lambda_jar_path")
                .containsEntry("role", "aws_iam_role.tvm.arn");
        assertThat(block("resource \"aws_lambda_function\" \"tvm\""))
                .contains("source_code_hash = filebase64sha256(var.lambda_jar_path)")
                .contains("SENTINEL_SESSION_TABLE              = aws_dynamodb_table.sessions.name")
                .contains("SENTINEL_PROFILE_REGISTRY_PARAMETER = aws_ssm_parameter.registry.name");
    }

    @Test
    void theFunctionHonoursAWorkflowOnlyWhenItsPolicyIsGivenAndThenReadsItsTable() {
        assertThat(map(variables.get("approval_policy"))).containsEntry("default", null);
        assertThat(map(variables.get("breakglass_policy"))).containsEntry("default", null);
        assertThat(resources("aws_ssm_parameter")).containsKey("workflow_policy");
        // The parser does not evaluate for_each: check the expression itself.
        assertThat(block("resource \"aws_ssm_parameter\" \"workflow_policy\""))
                .containsPattern("for_each = local\\.workflow_policies\\s")
                .contains("name  = \"${var.workflow_parameter_prefix}/${var.name_prefix}/${each.key}\"");
        assertThat(text)
                .containsPattern("name => policy if policy != null")
                .contains("{ approvals = var.approval_policy, breakglass = var.breakglass_policy }");
        assertThat(block("resource \"aws_lambda_function\" \"tvm\""))
                .containsPattern(
                        "var\\.approval_policy == null \\? \\{\\} : \\{\\s*"
                                + "SENTINEL_APPROVAL_TABLE\\s*= aws_dynamodb_table\\.requests\\.name\\s*"
                                + "SENTINEL_APPROVAL_POLICY_PARAMETER = aws_ssm_parameter\\.workflow_policy\\[\"approvals\"\\]\\.name")
                .containsPattern(
                        "var\\.breakglass_policy == null \\? \\{\\} : \\{\\s*"
                                + "SENTINEL_BREAKGLASS_TABLE\\s*= aws_dynamodb_table\\.breakglass\\.name\\s*"
                                + "SENTINEL_BREAKGLASS_POLICY_PARAMETER = aws_ssm_parameter\\.workflow_policy\\[\"breakglass\"\\]\\.name");
    }

    @Test
    void theFunctionGetsOnlySettingsTheLambdaDocumentsAndEveryRequiredOne() throws IOException {
        java.util.regex.Pattern setting = java.util.regex.Pattern.compile("SENTINEL_[A-Z_]+");
        java.util.Set<String> set = new java.util.TreeSet<>();
        setting.matcher(block("resource \"aws_lambda_function\" \"tvm\""))
                .results()
                .forEach(m -> set.add(m.group()));
        String docs = java.nio.file.Files.readString(Path.of("..", "docs", "tvm.md"));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.Set<String> required = new java.util.TreeSet<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("(?m)^\\| `(SENTINEL_[A-Z_]+)` \\| (required)?");
        row.matcher(docs).results().forEach(m -> {
            documented.add(m.group(1));
            if (m.group(2) != null) {
                required.add(m.group(1));
            }
        });
        assertThat(required).isNotEmpty();
        assertThat(documented).containsAll(set);
        assertThat(set).containsAll(required);
    }

    @Test
    void everyReferenceNamesSomethingTheModuleDeclaresAndEveryVariableIsUsed() {
        assertThat(variables.keySet()).containsExactlyInAnyOrderElementsOf(matches(VAR, usage));
        assertThat(variables.keySet()).containsAll(matches(VAR, text));

        Set<String> locals = map(main.get("locals")).keySet();
        assertThat(locals).containsAll(matches(LOCAL, text));

        Set<String> declared = new TreeSet<>();
        map(main.get("resource"))
                .forEach((type, named) -> map(named).keySet().forEach(n -> declared.add(type + "." + n)));
        map(main.get("data"))
                .forEach((type, named) -> map(named).keySet().forEach(n -> declared.add("data." + type + "." + n)));
        Set<String> referenced = new TreeSet<>();
        Matcher m = RESOURCE_REF.matcher(text.replaceAll("(?m)^(resource|data) \"[^\"]+\" \"[^\"]+\"", ""));
        while (m.find()) {
            referenced.add(m.group(1) + "." + m.group(2));
        }
        assertThat(declared).containsAll(referenced);
        assertThat(referenced).contains("aws_iam_role.tvm", "data.aws_iam_policy_document.protected_trust");
    }

    private static Set<String> matches(Pattern pattern, String in) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(in);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void theReadmeSaysHowTheModuleWasValidated() throws IOException {
        File readme = MODULE.resolve("README.md").toFile();
        assertThat(readme).isFile();
        assertThat(Files.readString(readme.toPath()))
                .contains("TerraformModuleTest")
                .contains("terraform validate");
    }
}
