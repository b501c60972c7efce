package dev.sentinel.mfa;

/**
 * Port: delivers a one-time code to a phone (SMS). Unlike a notifier it fails loudly: a code that was not
 * sent is a challenge the user cannot answer.
 */
public interface CodeSender {
    /**
     * Sends {@code message} to {@code phoneNumber} (E.164, e.g. {@code +14155550100}).
     *
     * @throws dev.sentinel.error.SentinelException when the message could not be handed to the provider
     */
    void send(String phoneNumber, String message);
}
