package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.testing.RateLimiterContract;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The rate limiter contract against DynamoDB in the emulator (moto), one fresh table per limiter. */
class DynamoDbRateLimiterTest extends RateLimiterContract {
    private static MotoServer moto;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static String table() {
        String table = "rate-" + RequestId.random().value();
        DynamoDbSessionStoreTest.client(moto.endpoint()).createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build()));
        return table;
    }

    @Override
    protected RateLimiter limiter(RequestRate rate) {
        return new DynamoDbRateLimiter(DynamoDbSessionStoreTest.client(moto.endpoint()), table(), rate);
    }

    @Test
    void serverInstancesShareOneCount() {
        String table = table();
        RequestRate rate = new RequestRate(2, Duration.ofMinutes(1));
        DynamoDbClient a = DynamoDbSessionStoreTest.client(moto.endpoint());
        DynamoDbClient b = DynamoDbSessionStoreTest.client(moto.endpoint());

        assertThat(new DynamoDbRateLimiter(a, table, rate).admit("k", T0).admitted())
                .isTrue();
        assertThat(new DynamoDbRateLimiter(b, table, rate)
                        .admit("k", T0.plusSeconds(1))
                        .admitted())
                .isTrue();
        assertThat(new DynamoDbRateLimiter(a, table, rate)
                        .admit("k", T0.plusSeconds(2))
                        .admitted())
                .isFalse();
    }

    @Test
    void anUnreachableTableRefusesInsteadOfAdmitting() {
        DynamoDbRateLimiter down = new DynamoDbRateLimiter(
                DynamoDbSessionStoreTest.client(URI.create("http://127.0.0.1:" + MotoServer.freePort())),
                "t",
                new RequestRate(10, Duration.ofMinutes(1)));

        assertThatThrownBy(() -> down.admit("k", T0))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
    }

    @Test
    void aMissingTableRefusesInsteadOfAdmitting() {
        DynamoDbRateLimiter missing = new DynamoDbRateLimiter(
                DynamoDbSessionStoreTest.client(moto.endpoint()),
                "no-such-table",
                new RequestRate(10, Duration.ofMinutes(1)));

        assertThatThrownBy(() -> missing.admit("k", T0))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("no-such-table");
    }
}
