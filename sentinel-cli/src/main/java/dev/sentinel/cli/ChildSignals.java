package dev.sentinel.cli;

import sun.misc.Signal;

/**
 * Signal handling while {@code sentinel exec} waits for its child, the way aws-vault does it. Ctrl-C
 * reaches the child straight from the terminal, so Sentinel ignores it itself instead of dying and
 * leaving an interactive shell orphaned on the terminal; TERM and HUP sent to Sentinel are passed on to
 * the child. Sentinel then exits with the child's status. (The JVM keeps QUIT for thread dumps and does
 * not exit on it.)
 *
 * <p>{@code sun.misc.Signal} lives in the JDK's supported {@code jdk.unsupported} module and is the only
 * way to handle signals in Java; javac notes it as internal API.
 */
final class ChildSignals {
    private ChildSignals() {}

    static void forwardTo(Process child) {
        Signal.handle(new Signal("INT"), signal -> {});
        Signal.handle(new Signal("TERM"), signal -> child.destroy());
        Signal.handle(new Signal("HUP"), signal -> child.destroy());
    }
}
