package dev.sentinel.cli;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import picocli.CommandLine;

/** The {@code sentinel} command. Exit codes: docs/exit-codes.md (DESIGN.md 4.7). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(Platform.system(), args));
    }

    /**
     * Runs one command line against an injected platform and returns the exit code. The exact form that
     * credential_process uses, {@code credentials --profile P}, runs directly: building picocli's model of
     * every command costs more than the whole rest of a cached call (docs/performance.md). Every other
     * form, including help and any mistake, goes through picocli.
     */
    public static int run(Platform platform, String... args) {
        String profile = credentialProcessProfile(args);
        if (profile != null) {
            CredentialsCommand command = new CredentialsCommand(platform);
            command.profile = profile;
            try {
                return command.call();
            } catch (RuntimeException e) {
                return report(platform, e);
            }
        }
        return commandLine(platform).execute(args);
    }

    /** The profile of {@code credentials --profile P} or {@code credentials --profile=P}, else null. */
    static String credentialProcessProfile(String[] args) {
        if (args.length == 3
                && args[0].equals("credentials")
                && args[1].equals("--profile")
                && !args[2].startsWith("-")) {
            return args[2];
        }
        if (args.length == 2
                && args[0].equals("credentials")
                && args[1].startsWith("--profile=")
                && args[1].length() > 10) {
            return args[1].substring(10);
        }
        return null;
    }

    private static int report(Platform platform, Exception e) {
        SentinelException error = e instanceof SentinelException s
                ? s
                : new SentinelException(ErrorCode.INTERNAL_ERROR, "Unexpected error: " + e, "Report this as a bug.", e);
        Errors.report(platform.err(), error.code(), error.getMessage(), error.hint(), null);
        return error.exitCode();
    }

    static CommandLine commandLine(Platform platform) {
        CommandLine cli = new CommandLine(new SentinelCommand());
        cli.addSubcommand(new CredentialsCommand(platform));
        cli.addSubcommand(new ExecCommand(platform));
        cli.addSubcommand(new WhoamiCommand(platform));
        cli.addSubcommand(new CommandLine(new AuditCommand()).addSubcommand(new VerifyLogsCommand(platform)));
        cli.addSubcommand(new CommandLine(new PolicyCommand())
                .addSubcommand(new PolicyValidateCommand(platform))
                .addSubcommand(new PolicyLintCommand(platform))
                .addSubcommand(new PolicyExplainCommand(platform))
                .addSubcommand(new PolicyTestCommand(platform))
                .addSubcommand(new PolicySignCommand(platform))
                .addSubcommand(new PolicyVerifyCommand(platform))
                .addSubcommand(new PolicyPullCommand(platform))
                .addSubcommand(new PolicyPushCommand(platform))
                .addSubcommand(new PolicyDiffCommand(platform)));
        cli.addSubcommand(new RequestCommand(platform));
        cli.addSubcommand(new ListCommand(platform));
        cli.addSubcommand(new CheckCommand(platform));
        cli.addSubcommand(new DecideCommand.Approve(platform));
        cli.addSubcommand(new DecideCommand.Deny(platform));
        cli.addSubcommand(new DecideCommand.Cancel(platform));
        cli.addSubcommand(new BreakGlassCommand(platform));
        cli.addSubcommand(new BreakGlassListCommand(platform));
        cli.addSubcommand(new BreakGlassCheckCommand(platform));
        cli.addSubcommand(new BreakGlassCloseCommand(platform));
        cli.addSubcommand(new ServerSessionsCommand(platform));
        cli.addSubcommand(new ServerSessionCommand(platform));
        cli.addSubcommand(new ServerRevokeCommand(platform));
        cli.addSubcommand(new CommandLine(new TvmCommand())
                .addSubcommand(new TvmServeCommand(platform))
                .addSubcommand(new TvmProofCommand(platform)));
        cli.addSubcommand(new TrainStartupCommand(platform));
        cli.addSubcommand(new AgentCommand());
        cli.addSubcommand(new CommandLine.HelpCommand());
        cli.setOut(new java.io.PrintWriter(platform.out(), true));
        cli.setErr(new java.io.PrintWriter(platform.err(), true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(platform, e));
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            platform.err().println("sentinel: " + e.getMessage());
            platform.err().println("  run '" + command.getCommandSpec().qualifiedName() + " --help' for usage");
            return ErrorCode.USAGE.exitCode();
        });
        return cli;
    }
}
