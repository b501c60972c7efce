package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything the CLI takes from the process it runs in, injected so tests drive the real command line
 * without touching {@code System.out} or the real environment.
 *
 * @param interactive whether a person can be asked something (a console is attached)
 */
public record Platform(
        Map<String, String> env, PrintStream out, PrintStream err, Clock clock, Path userHome, boolean interactive) {
    public Platform {
        env = Map.copyOf(requireNonNull(env, "env is null"));
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(userHome, "userHome is null");
    }

    static Platform system() {
        return new Platform(
                System.getenv(),
                System.out,
                System.err,
                Clock.systemUTC(),
                Path.of(System.getProperty("user.home")),
                System.console() != null);
    }

    String env(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
