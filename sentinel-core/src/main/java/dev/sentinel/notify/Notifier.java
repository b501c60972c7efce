package dev.sentinel.notify;

/**
 * Port: tells people about lifecycle events (webhook, SNS). A notifier never blocks the command for long
 * and never fails it: delivery problems are retried or reported by the notifier itself.
 */
public interface Notifier {
    Notifier NONE = event -> {};

    void notify(LifecycleEvent event);
}
