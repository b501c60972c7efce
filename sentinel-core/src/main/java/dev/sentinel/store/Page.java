package dev.sentinel.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One page of a store query, newest first. {@code next} is an opaque token for the following page, or
 * null when this is the last one; pass it back unchanged.
 */
public record Page<T>(List<T> items, String next) {
    public Page {
        items = List.copyOf(requireNonNull(items, "items is null"));
    }
}
