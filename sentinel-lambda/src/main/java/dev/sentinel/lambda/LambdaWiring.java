package dev.sentinel.lambda;

import dev.sentinel.approval.ApprovalPolicyParser;
import dev.sentinel.approval.ApprovalWindows;
import dev.sentinel.audit.LogChain;
import dev.sentinel.aws.AwsClients;
import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.DynamoDbApprovalStore;
import dev.sentinel.aws.DynamoDbBreakGlassStore;
import dev.sentinel.aws.DynamoDbRateLimiter;
import dev.sentinel.aws.DynamoDbSessionStore;
import dev.sentinel.aws.KmsPolicyKey;
import dev.sentinel.aws.RegistryRoleIssuer;
import dev.sentinel.aws.SsmDocument;
import dev.sentinel.aws.SsmPolicySource;
import dev.sentinel.aws.SsmProfileRegistry;
import dev.sentinel.aws.SsmSignatures;
import dev.sentinel.breakglass.BreakGlassPolicyParser;
import dev.sentinel.breakglass.BreakGlassWindows;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.GrantLookup;
import dev.sentinel.gate.WorkflowGrants;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.registry.ProfileRegistrySource;
import dev.sentinel.server.InMemoryCachingCredentialIssuer;
import dev.sentinel.session.SessionStore;
import dev.sentinel.signing.VerifyingPolicySource;
import dev.sentinel.tvm.GatewayIamAuthenticator;
import dev.sentinel.tvm.TokenVendingMachine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The Lambda function's composition root: everything from the environment ({@link LambdaConfig}), every
 * AWS call with the function's own role, the caller from API Gateway's IAM authorization. Approvals and
 * break-glass are honoured when their table and policy are configured: the function only reads them, and
 * people request, approve and invoke with the {@code sentinel} command against the same tables.
 */
final class LambdaWiring {
    private LambdaWiring() {}

    /**
     * @param out where the decision log goes (standard output, read by CloudWatch Logs)
     * @param err where diagnostics go
     */
    static TokenVendingMachine build(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        LambdaConfig config = LambdaConfig.from(env);
        Path home = Path.of(env.getOrDefault("HOME", "/tmp"));
        AwsClients clients = AwsClients.forService(new AwsProfiles(new AwsEnvironment(env, home)), null);
        ProfileRegistrySource registry =
                new SsmProfileRegistry(clients, config.registryParameter, config.cacheTtl, clock);
        PolicySource policies = new SsmPolicySource(clients, config.policyPrefix, null);
        if (config.signingKey != null) {
            policies = new VerifyingPolicySource(
                    policies,
                    new SsmSignatures(clients, null),
                    () -> KmsPolicyKey.openForService(clients, config.signingKey));
        }
        policies = new CachingPolicySource(policies, config.cacheTtl, clock);
        SessionStore sessions = new DynamoDbSessionStore(clients.serviceDynamo(null), config.sessionTable);
        LogChain chain = config.logKey().map(LogChain::new).orElse(null);
        if (chain == null) {
            err.println("sentinel: " + LambdaConfig.LOG_KEY + " is not set; decision log lines are not chained");
        }
        Gate gate = new Gate(
                profile -> {
                    throw new SentinelException(
                            ErrorCode.INTERNAL_ERROR, "the token vending machine passes every caller to the gate", "");
                },
                policies,
                new InMemoryCachingCredentialIssuer(
                        new RegistryRoleIssuer(clients, registry),
                        InMemoryCachingCredentialIssuer.REFRESH_MARGIN,
                        clock),
                new JsonLinesAuditSink(out, chain),
                clock,
                RequestId::random,
                sessions);
        if (config.approvals != null || config.breakGlass != null) {
            gate = gate.withGrants(grants(clients, config, clock));
        }
        return new TokenVendingMachine(
                new GatewayIamAuthenticator(),
                new DynamoDbRateLimiter(clients.serviceDynamo(null), config.rateLimitTable, config.rate),
                registry,
                gate,
                sessions,
                clock,
                err::println);
    }

    private static GrantLookup grants(AwsClients clients, LambdaConfig config, Clock clock) {
        ApprovalWindows approvals = null;
        if (config.approvals != null) {
            approvals = new ApprovalWindows(
                    new DynamoDbApprovalStore(clients.serviceDynamo(null), config.approvals.table()),
                    new SsmDocument<>(
                            clients,
                            config.approvals.policyParameter(),
                            "approval policy",
                            "approvals.yaml",
                            ApprovalPolicyParser::parse,
                            config.cacheTtl,
                            clock));
        }
        BreakGlassWindows breakGlass = null;
        if (config.breakGlass != null) {
            breakGlass = new BreakGlassWindows(
                    new DynamoDbBreakGlassStore(clients.serviceDynamo(null), config.breakGlass.table()),
                    new SsmDocument<>(
                            clients,
                            config.breakGlass.policyParameter(),
                            "break-glass policy",
                            "breakglass.yaml",
                            BreakGlassPolicyParser::parse,
                            config.cacheTtl,
                            clock));
        }
        return new WorkflowGrants(approvals, breakGlass);
    }
}
