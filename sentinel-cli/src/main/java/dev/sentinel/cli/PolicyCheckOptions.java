package dev.sentinel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code policy validate} and {@code policy lint} share. */
final class PolicyCheckOptions {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files to check.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--strict", description = "Treat lint warnings as errors (exit 5).")
    boolean strict;

    @Option(names = "--json", description = "Print a JSON report (schemaVersion 1) for CI.")
    boolean json;

    @Option(names = "--no-aws-config", description = "Do not compare profile names with the AWS config.")
    boolean noAwsConfig;
}
