package dev.sentinel.policy;

import java.util.Optional;

/**
 * Port: where policies are published, by name (a profile, or {@code default}), for {@code policy pull}
 * and {@code policy push}. Implementations keep the previous version, and a write that fails part way
 * leaves the previous policy and signature in force.
 */
public interface PolicyStore {
    /** A stored policy's exact text and its signature document ({@code null} when unsigned). */
    record Stored(String name, String location, String text, String signature) {}

    Optional<Stored> read(String name);

    /** Replaces the policy and its signature ({@code null} removes an old signature). */
    void write(String name, String text, String signature);

    /** Where {@code name} lives, for messages. */
    String location(String name);
}
