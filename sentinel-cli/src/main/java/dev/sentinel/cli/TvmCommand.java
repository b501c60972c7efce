package dev.sentinel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "tvm",
        mixinStandardHelpOptions = true,
        description = "Run the token vending machine: a credential server that is the trust boundary (docs/tvm.md).")
final class TvmCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
