package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.ChainVerifier;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.local.audit.FileAuditLog;
import dev.sentinel.local.home.LocalKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify-logs",
        mixinStandardHelpOptions = true,
        description = {
            "Verify a hash-chained Sentinel log: every line's MAC, the chain, and the head record.",
            "Reports each line that was edited, removed, reordered or cut, and a truncated tail. Exits 0 when the log is intact and 5 (AUDIT_LOG_TAMPERED) when it is not.",
        },
        footer = {
            "",
            "Examples:",
            "  sentinel audit verify-logs",
            "  sentinel audit verify-logs --key-file keys/log-hmac.key decisions.jsonl"
        })
final class VerifyLogsCommand implements Callable<Integer> {
    private final Platform platform;

    @Parameters(
            paramLabel = "FILE",
            arity = "0..1",
            description = "The log to verify (default: this machine's decision log).")
    Path file;

    @Option(
            names = "--key-file",
            paramLabel = "KEY",
            description = "The log's MAC key (default: <SENTINEL_HOME>/keys/log-hmac.key).")
    Path keyFile;

    @Option(names = "--json", description = "Print a JSON report (schemaVersion 1).")
    boolean json;

    VerifyLogsCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        Sentinel sentinel = Sentinel.open(platform);
        Path log = file != null ? file : sentinel.config().logFile();
        Path key = keyFile != null ? keyFile : sentinel.home().logKey();
        ChainVerifier.Report report = new FileAuditLog(log, LocalKey.load(key)).verify();
        if (json) {
            List<String> problems = new ArrayList<>();
            for (ChainVerifier.Finding f : report.problems()) {
                problems.add(JsonWriter.object()
                        .field("line", f.line())
                        .field("message", f.message())
                        .close());
            }
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .field("file", log.toString())
                            .field("entries", report.entries())
                            .field("intact", report.intact())
                            .rawField("problems", "[" + String.join(",", problems) + "]")
                            .rawField("warnings", JsonWriter.array(report.warnings()))
                            .close());
        } else {
            for (ChainVerifier.Finding f : report.problems()) {
                platform.out().println(log + ":" + f.line() + ": " + f.message());
            }
            for (String warning : report.warnings()) {
                platform.err().println("sentinel: warning: " + warning);
            }
            platform.out()
                    .println(
                            report.intact()
                                    ? "OK: " + report.entries() + " entries verified in " + log
                                            + "; chain and head intact."
                                    : "FAILED: " + report.problems().size() + " problem(s) in " + log + " ("
                                            + report.entries() + " lines).");
        }
        return report.intact() ? 0 : ErrorCode.AUDIT_LOG_TAMPERED.exitCode();
    }
}
