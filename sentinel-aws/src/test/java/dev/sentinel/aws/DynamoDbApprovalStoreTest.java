package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.testing.ApprovalStoreContract;
import java.net.URI;
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

/** The approval store contract against DynamoDB in the emulator (moto), one fresh table per test. */
class DynamoDbApprovalStoreTest extends ApprovalStoreContract {
    private static MotoServer moto;
    private DynamoDbClient dynamo;
    private String table;
    private DynamoDbApprovalStore store;

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
        table = "requests-" + RequestId.random().value();
        dynamo = DynamoDbSessionStoreTest.client(moto.endpoint());
        DynamoDbApprovalStore.createTable(dynamo, table);
        store = new DynamoDbApprovalStore(dynamo, table);
    }

    @Override
    protected ApprovalStore store() {
        return store;
    }

    private static void unavailable(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
    }

    @Test
    void anUnreachableTableFailsClosed() {
        // Two attempts per call, as AwsClients configures them, so the test does not wait out default retries.
        DynamoDbClient down = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + MotoServer.freePort()))
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(2)
                        .build()))
                .build();
        DynamoDbApprovalStore unreachable = new DynamoDbApprovalStore(down, "t");
        RequestId id = RequestId.random();
        unavailable(() -> unreachable.get(id));
        unavailable(() -> unreachable.create(pending(id, "alice", "prod", T0)));
        unavailable(() -> unreachable.update(approvedBy(pending(id, "alice", "prod", T0), "bob", T0)));
        unavailable(() -> unreachable.list(new ApprovalQuery("alice", null, null, 10), null));
        unavailable(() -> unreachable.list(new ApprovalQuery(null, null, null, 10), null));
        unavailable(() -> DynamoDbApprovalStore.createTable(down, "t"));
    }

    @Test
    void aMissingTableIsReportedAsUnavailable() {
        DynamoDbApprovalStore missing = new DynamoDbApprovalStore(dynamo, "no-such-table");
        assertThatThrownBy(() -> missing.get(RequestId.random()))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("no-such-table")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.STATE_STORE_UNAVAILABLE);
    }

    @Test
    void theTableHasTheListIndexesOnDemand() {
        TableDescription description =
                dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(description.keySchema())
                .extracting(KeySchemaElement::attributeName)
                .containsExactly("id");
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(description.globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("gsi-requester", "gsi-status", "gsi-profile");
        for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
            assertThat(index.keySchema())
                    .extracting(KeySchemaElement::attributeName)
                    .containsExactly(index.indexName().substring("gsi-".length()), "created");
            assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        }
    }

    @Test
    void timesAreStoredAsEpochMillisecondNumbers() {
        RequestId id = RequestId.random();
        store.create(pending(id, "alice", "prod", T0));
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id.value()))))
                .item();
        assertThat(item.get("created_at").n()).isEqualTo(Long.toString(T0.toEpochMilli()));
        assertThat(item.get("expires_at").n()).isEqualTo(Long.toString(T0.toEpochMilli() + 24 * 3_600_000L));
        assertThat(item.get("duration_ms").n()).isEqualTo("3600000");
        assertThat(item.get("created").s()).isEqualTo(String.format("%013d#%s", T0.toEpochMilli(), id.value()));
    }
}
