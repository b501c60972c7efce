package dev.sentinel.server;

import java.util.Map;

/**
 * A running local credentials endpoint for one child process. It serves until closed; closing it stops
 * serving and removes anything it created.
 */
public interface CredentialEndpoint extends AutoCloseable {
    /** The variables that tell the child where the endpoint is and the token it needs; one of them is a secret. */
    Map<String, String> childEnvironment();

    @Override
    void close();
}
