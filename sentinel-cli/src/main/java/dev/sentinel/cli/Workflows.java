package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.ApprovalPolicy;
import dev.sentinel.approval.ApprovalPolicyParser;
import dev.sentinel.approval.ApprovalService;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.audit.AuditSink;
import dev.sentinel.breakglass.BreakGlassPolicy;
import dev.sentinel.breakglass.BreakGlassPolicyParser;
import dev.sentinel.breakglass.BreakGlassService;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.GrantLookup;
import dev.sentinel.gate.WorkflowGrants;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.approval.SqliteApprovalStore;
import dev.sentinel.local.breakglass.SqliteBreakGlassStore;
import dev.sentinel.local.home.SentinelHome;
import dev.sentinel.local.mfa.MfaUsersFile;
import dev.sentinel.mfa.CodeSender;
import dev.sentinel.mfa.MfaStore;
import dev.sentinel.mfa.SecondFactor;
import dev.sentinel.notify.WorkflowEvents;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The CLI's wiring of the approval and break-glass workflows: their policies (YAML files, parsed once per
 * process), their stores (the Sentinel home's SQLite file, or DynamoDB tables in team mode), the second
 * factor and the notifiers. Nothing here is built until a command or the gate needs it, so the credential
 * fast path pays nothing for it.
 */
final class Workflows {
    private final Platform platform;
    private final SentinelHome home;
    private final WorkflowConfig config;
    private final AwsAdapters aws;
    private final Supplier<AuditSink> audit;
    private ApprovalService approvals;
    private BreakGlassService breakGlass;
    private WorkflowEvents events;
    private SqliteBreakGlassStore localBreakGlass;

    Workflows(Platform platform, SentinelHome home, WorkflowConfig config, AwsAdapters aws, Supplier<AuditSink> audit) {
        this.platform = requireNonNull(platform, "platform is null");
        this.home = requireNonNull(home, "home is null");
        this.config = requireNonNull(config, "config is null");
        this.aws = requireNonNull(aws, "aws is null");
        this.audit = requireNonNull(audit, "audit is null");
    }

    /**
     * @throws SentinelException APPROVAL_NOT_CONFIGURED when there is no approval policy file
     */
    ApprovalService approvals() {
        if (approvals == null) {
            ApprovalPolicy policy = read(config.approvalPolicy(), ApprovalPolicyParser::parse)
                    .orElseThrow(() -> new SentinelException(
                            ErrorCode.APPROVAL_NOT_CONFIGURED,
                            "There is no approval policy at " + config.approvalPolicy() + ".",
                            "Write one (see docs/approvals.md), or set approvals.policy in config.yaml."));
            approvals =
                    new ApprovalService(approvalStore(), () -> policy, events(), platform.clock(), RequestId::random);
        }
        return approvals;
    }

    /**
     * @throws SentinelException BREAKGLASS_NOT_ALLOWED when there is no break-glass policy file
     */
    BreakGlassService breakGlass() {
        if (breakGlass == null) {
            BreakGlassPolicy policy = read(config.breakGlassPolicy(), BreakGlassPolicyParser::parse)
                    .orElseThrow(() -> new SentinelException(
                            ErrorCode.BREAKGLASS_NOT_ALLOWED,
                            "Break-glass is not set up: there is no break-glass policy at " + config.breakGlassPolicy()
                                    + ".",
                            "Write one (see docs/breakglass.md), or set breakglass.policy in config.yaml."));
            SecondFactor mfa =
                    new SecondFactor(new MfaUsersFile(config.mfaUsers()), mfaStore(), smsSender(), RequestId::random);
            breakGlass = new BreakGlassService(
                    breakGlassStore(), () -> policy, mfa, events(), platform.clock(), RequestId::random);
        }
        return breakGlass;
    }

    /**
     * The gate's ways past a refusal. A workflow whose policy file does not exist grants nothing; one whose
     * policy is invalid makes the lookup fail, and the gate refuses with that error.
     */
    GrantLookup grants() {
        Workflows workflows = this;
        return new GrantLookup() {
            private WorkflowGrants grants;

            private WorkflowGrants grants() {
                if (grants == null) {
                    grants = new WorkflowGrants(
                            Files.exists(config.approvalPolicy())
                                    ? workflows.approvals().windows()
                                    : null,
                            Files.exists(config.breakGlassPolicy())
                                    ? workflows.breakGlass().windows()
                                    : null);
                }
                return grants;
            }

            @Override
            public Optional<Window> approval(String user, ProfileName profile, Instant now) {
                return grants().approval(user, profile, now);
            }

            @Override
            public Optional<RequestId> pendingApproval(String user, ProfileName profile, Instant now) {
                return grants().pendingApproval(user, profile, now);
            }

            @Override
            public Optional<Window> breakGlass(String user, ProfileName profile, Instant now) {
                return grants().breakGlass(user, profile, now);
            }
        };
    }

    private WorkflowEvents events() {
        if (events == null) {
            events = new WorkflowEvents(audit.get(), new Notifications(platform, home, config, aws).notifier());
        }
        return events;
    }

    private ApprovalStore approvalStore() {
        WorkflowConfig.AwsTable table = config.approvalTable();
        return table == null
                ? new SqliteApprovalStore(home.stateDatabase())
                : aws.dynamoApprovals(
                        Profiles.parse(table.target().awsProfile()),
                        table.table(),
                        table.target().region());
    }

    private BreakGlassStore breakGlassStore() {
        WorkflowConfig.AwsTable table = config.breakGlassTable();
        return table == null ? localBreakGlass() : dynamoBreakGlass(table);
    }

    /** One-time-code state lives beside the break-glass events. */
    private MfaStore mfaStore() {
        WorkflowConfig.AwsTable table = config.breakGlassTable();
        return table == null ? localBreakGlass() : dynamoBreakGlass(table);
    }

    private SqliteBreakGlassStore localBreakGlass() {
        if (localBreakGlass == null) {
            localBreakGlass = new SqliteBreakGlassStore(home.stateDatabase());
        }
        return localBreakGlass;
    }

    private dev.sentinel.aws.DynamoDbBreakGlassStore dynamoBreakGlass(WorkflowConfig.AwsTable table) {
        return aws.dynamoBreakGlass(
                Profiles.parse(table.target().awsProfile()),
                table.table(),
                table.target().region());
    }

    private CodeSender smsSender() {
        WorkflowConfig.AwsTarget sms = config.smsSender();
        return sms == null ? null : aws.smsSender(Profiles.parse(sms.awsProfile()), sms.region());
    }

    /** The parsed policy file, or empty when it does not exist. */
    private static <T> Optional<T> read(Path file, java.util.function.BiFunction<String, String, T> parser) {
        try {
            return Optional.of(parser.apply(file.toString(), Files.readString(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "Cannot read " + file + ": " + e.getMessage(),
                    "Check the file's permissions.",
                    e);
        }
    }
}
