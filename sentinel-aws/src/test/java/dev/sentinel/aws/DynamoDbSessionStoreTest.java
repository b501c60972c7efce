package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The session store contract against DynamoDB in the emulator (moto), one fresh table per test. */
class DynamoDbSessionStoreTest extends SessionStoreContract {
    private static MotoServer moto;
    private DynamoDbSessionStore store;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .build();
    }

    @BeforeEach
    void createTable() {
        String table = "sessions-" + RequestId.random().value();
        DynamoDbClient dynamo = client(moto.endpoint());
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build()));
        store = new DynamoDbSessionStore(dynamo, table);
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void anUnreachableTableFailsClosed() {
        DynamoDbSessionStore down =
                new DynamoDbSessionStore(client(URI.create("http://127.0.0.1:" + MotoServer.freePort())), "t");
        assertThatThrownBy(() -> down.touch(RequestId.random(), T0))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.SESSION_STORE_UNAVAILABLE);
        assertThatThrownBy(() -> down.create(session(RequestId.random(), T0, Duration.ofHours(1))))
                .isInstanceOf(SentinelException.class);
    }
}
