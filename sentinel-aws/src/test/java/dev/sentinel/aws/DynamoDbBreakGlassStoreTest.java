package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.mfa.MfaChallenge;
import dev.sentinel.testing.BreakGlassStoreContract;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The break-glass store contract against DynamoDB in the emulator (moto), one fresh table per test. The
 * store reads three items per query page, so every list, count and lookup crosses pages.
 */
class DynamoDbBreakGlassStoreTest extends BreakGlassStoreContract {
    private static MotoServer moto;
    private DynamoDbClient dynamo;
    private String table;
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
        table = "breakglass-" + RequestId.random().value();
        dynamo = DynamoDbSessionStoreTest.client(moto.endpoint());
        DynamoDbBreakGlassStore.createTable(dynamo, table);
        store = new DynamoDbBreakGlassStore(dynamo, table, 3);
    }

    @Override
    protected BreakGlassStore store() {
        return store;
    }

    @Test
    void createsTheTableWithItsThreeIndexes() {
        TableDescription description =
                dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(description.keySchema())
                .extracting(KeySchemaElement::attributeName)
                .containsExactly("id");
        assertThat(description.globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("gsi-invoker", "gsi-status", "gsi-profile");
        for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
            assertThat(index.keySchema())
                    .extracting(KeySchemaElement::attributeName)
                    .containsExactly(index.indexName().substring("gsi-".length()), "created");
            assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        }
    }

    @Test
    void guardAndMfaItemsNeverShowInListsOrCounts() {
        BreakGlassEvent event = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store.open(event);
        store.claimTotpStep("alice", 7);
        store.saveChallenge(new MfaChallenge(RequestId.random(), "alice", "sms", "ab", T0));

        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isEqualTo(4);
        assertThat(store.list(new BreakGlassQuery(null, null, null, 100), null).items())
                .containsExactly(event);
        assertThat(store.countSince(null, null, T0.minusSeconds(1))).isEqualTo(1);
        assertThat(store.latest("alice", "prod")).contains(event);
    }

    @Test
    void theGuardIsReleasedWhenTheEventIsClosed() {
        BreakGlassEvent event = event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1));
        store.open(event);
        store.update(event.next(BreakGlassEvent.Status.CLOSED, T0.plusSeconds(1), "bob", "done"));

        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("active#alice#prod"))))
                        .hasItem())
                .isFalse();
    }

    @Test
    void readsWithTheDefaultPageSizeToo() {
        DynamoDbBreakGlassStore defaults = new DynamoDbBreakGlassStore(dynamo, table);
        BreakGlassEvent older = event(RequestId.random(), "alice", "prod", T0, Duration.ofMinutes(5));
        BreakGlassEvent newer = event(RequestId.random(), "alice", "prod", T0.plusSeconds(600), Duration.ofMinutes(5));
        defaults.open(older);
        defaults.open(newer);

        assertThat(defaults.list(new BreakGlassQuery("alice", null, null, 1), null)
                        .items())
                .extracting(BreakGlassEvent::id)
                .containsExactly(newer.id());
        assertThat(defaults.countSince("alice", "prod", T0)).isEqualTo(2);
        assertThat(defaults.latest("alice", "prod")).contains(newer);
    }

    @Test
    void anUnreachableTableFailsClosed() {
        DynamoDbClient down = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + MotoServer.freePort()))
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        DynamoDbBreakGlassStore unreachable = new DynamoDbBreakGlassStore(down, "t");
        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> unreachable.open(event(RequestId.random(), "alice", "prod", T0, Duration.ofHours(1))),
                () -> unreachable.get(RequestId.random()),
                () -> unreachable.list(new BreakGlassQuery(null, null, null, 10), null),
                () -> unreachable.countSince("alice", null, T0),
                () -> unreachable.claimTotpStep("alice", 1),
                () -> unreachable.takeChallenge(RequestId.random()),
                () -> DynamoDbBreakGlassStore.createTable(down, "t"))) {
            assertThatThrownBy(call)
                    .isInstanceOf(SentinelException.class)
                    .extracting(e -> ((SentinelException) e).code())
                    .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
        }
    }
}
