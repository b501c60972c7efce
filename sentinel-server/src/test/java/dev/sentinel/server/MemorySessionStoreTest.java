package dev.sentinel.server;

import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;

class MemorySessionStoreTest extends SessionStoreContract {
    private final MemorySessionStore store = new MemorySessionStore();

    @Override
    protected SessionStore store() {
        return store;
    }
}
