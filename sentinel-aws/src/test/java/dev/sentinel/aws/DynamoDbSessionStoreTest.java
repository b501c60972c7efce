package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import dev.sentinel.testing.SessionStoreContract;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The session store contract against DynamoDB in the emulator (moto), one fresh table per test. */
class DynamoDbSessionStoreTest extends SessionStoreContract {
    private static MotoServer moto;
    private DynamoDbSessionStore store;
    private DynamoDbClient dynamo;
    private String table;

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
        table = "sessions-" + RequestId.random().value();
        dynamo = client(moto.endpoint());
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

    @Test
    void anItemFromBeforeIssuancesWereRecordedKeepsWorking() {
        RequestId id = RequestId.random();
        // The item exactly as the previous release wrote it: no issuances attribute.
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "id", AttributeValue.fromS(id.value()),
                        "profile", AttributeValue.fromS("prod"),
                        "user", AttributeValue.fromS("alice"),
                        "status", AttributeValue.fromS("ACTIVE"),
                        "started_at", AttributeValue.fromN(Long.toString(T0.toEpochMilli())),
                        "last_access_at", AttributeValue.fromN(Long.toString(T0.toEpochMilli())),
                        "expires_at",
                                AttributeValue.fromN(Long.toString(
                                        T0.plus(Duration.ofHours(1)).toEpochMilli())),
                        "request_count", AttributeValue.fromN("2"),
                        "ttl", AttributeValue.fromN(Long.toString(T0.getEpochSecond() + 86_400)))));

        assertThat(store.get(id).orElseThrow().issuances()).isEmpty();
        Issuance first = stamped(T0.plus(Duration.ofMinutes(15)));
        Issuance second = stamped(T0.plus(Duration.ofMinutes(16)));
        store.recordIssuance(id, first, T0.plusSeconds(1));
        store.recordIssuance(id, second, T0.plusSeconds(2));
        ServerSession revoked = store.revoke(id, "bob", "upgrade", T0.plusSeconds(3));
        assertThat(revoked.requestCount()).isEqualTo(2);
        assertThat(revoked.issuances()).containsExactly(first, second);
    }

    @Test
    void anOldItemInARevokedSessionStillRefusesIssuances() {
        RequestId id = RequestId.random();
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "id", AttributeValue.fromS(id.value()),
                        "profile", AttributeValue.fromS("prod"),
                        "user", AttributeValue.fromS("alice"),
                        "status", AttributeValue.fromS("REVOKED"),
                        "started_at", AttributeValue.fromN(Long.toString(T0.toEpochMilli())),
                        "last_access_at", AttributeValue.fromN(Long.toString(T0.toEpochMilli())),
                        "expires_at",
                                AttributeValue.fromN(Long.toString(
                                        T0.plus(Duration.ofHours(1)).toEpochMilli())),
                        "request_count", AttributeValue.fromN("2"),
                        "revoked_by", AttributeValue.fromS("bob"),
                        "revoked_reason", AttributeValue.fromS("x"))));

        assertThatThrownBy(() -> store.recordIssuance(id, stamped(T0.plus(Duration.ofMinutes(15))), T0.plusSeconds(1)))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.SESSION_REVOKED);
        assertThat(store.get(id).orElseThrow().issuances()).isEmpty();
    }
}
