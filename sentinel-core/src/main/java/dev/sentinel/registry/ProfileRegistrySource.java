package dev.sentinel.registry;

/** Port: where the token vending machine reads its profile registry (a file, or an SSM parameter). */
public interface ProfileRegistrySource {
    /**
     * The current registry. Adapters may cache it briefly; an invalid registry is an error, never an empty
     * one, so a broken registry serves nothing.
     *
     * @throws dev.sentinel.error.SentinelException CONFIG_INVALID when it cannot be read or is invalid
     */
    ProfileRegistry load();
}
