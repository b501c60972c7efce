package dev.sentinel.tvm;

import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;

/** The test double the server's tests track sessions in keeps the real stores' contract. */
class MemorySessionStoreTest extends SessionStoreContract {
    private final MemorySessionStore store = new MemorySessionStore();

    @Override
    protected SessionStore store() {
        return store;
    }
}
