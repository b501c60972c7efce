package dev.sentinel.aws;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.identity.RequestId;
import dev.sentinel.mfa.MfaStore;
import dev.sentinel.testing.MfaStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The MFA store contract against DynamoDB in the emulator (moto), one fresh table per test. */
class DynamoDbMfaStoreTest extends MfaStoreContract {
    private static MotoServer moto;
    private DynamoDbBreakGlassStore store;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @BeforeEach
    void createTable() {
        String table = "mfa-" + RequestId.random().value();
        var dynamo = DynamoDbSessionStoreTest.client(moto.endpoint());
        DynamoDbBreakGlassStore.createTable(dynamo, table);
        store = new DynamoDbBreakGlassStore(dynamo, table);
    }

    @Override
    protected MfaStore store() {
        return store;
    }
}
