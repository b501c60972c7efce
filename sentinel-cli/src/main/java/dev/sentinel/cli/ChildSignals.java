package dev.sentinel.cli;

import sun.misc.Signal;

/**
 * Signal handling while {@code sentinel exec} runs its child, the way aws-vault does it. Ctrl-C reaches
 * the child straight from the terminal, so Sentinel ignores it itself instead of dying and leaving an
 * interactive shell orphaned on the terminal; TERM and HUP sent to Sentinel are passed on to the child.
 * Sentinel then exits with the child's status. (The JVM keeps QUIT for thread dumps and does not exit on
 * it.) The handlers are installed before the child starts, so there is no moment in which a signal meant
 * for the pair kills Sentinel alone; a TERM that arrives before the child exists ends it as it starts.
 *
 * <p>{@code sun.misc.Signal} lives in the JDK's supported {@code jdk.unsupported} module and is the only
 * way to handle signals in Java; javac notes it as internal API.
 */
final class ChildSignals {
    private Process child;
    private boolean terminated;

    private ChildSignals() {}

    /** Installs the handlers; call before starting the child. */
    static ChildSignals install() {
        ChildSignals signals = new ChildSignals();
        Signal.handle(new Signal("INT"), signal -> {});
        Signal.handle(new Signal("TERM"), signal -> signals.terminate());
        Signal.handle(new Signal("HUP"), signal -> signals.terminate());
        return signals;
    }

    /** Records the started child; ends it at once if a TERM or HUP came first. */
    synchronized void started(Process process) {
        child = process;
        if (terminated) {
            process.destroy();
        }
    }

    private synchronized void terminate() {
        terminated = true;
        if (child != null) {
            child.destroy();
        }
    }
}
