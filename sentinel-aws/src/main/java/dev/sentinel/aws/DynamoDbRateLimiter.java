package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.ratelimit.Admission;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The sliding-window log of {@link dev.sentinel.ratelimit.InMemoryRateLimiter}, shared by every server
 * instance through DynamoDB (team mode, the Lambda TVM). One item per key ({@code id}) holds the admitted
 * requests' times still inside the window and a version; an admission is a conditional write on that
 * version (or on the item's absence), so racing instances never admit more than the limit together. A
 * write that loses the race reads again, up to {@link #ATTEMPTS} times; a caller that keeps losing is
 * refused for a second. It never fails open: any DynamoDB error is an error, and the request is refused.
 * {@code expires_at} (epoch seconds) lets DynamoDB's TTL remove idle callers.
 */
public final class DynamoDbRateLimiter implements RateLimiter {
    static final int ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final RequestRate rate;

    public DynamoDbRateLimiter(DynamoDbClient dynamo, String table, RequestRate rate) {
        this.dynamo = requireNonNull(dynamo, "dynamo is null");
        this.table = requireNonNull(table, "table is null");
        this.rate = requireNonNull(rate, "rate is null");
    }

    @Override
    public Admission admit(String key, Instant now) {
        requireNonNull(key, "key is null");
        long horizon = now.minus(rate.window()).toEpochMilli();
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                                .key(Map.of("id", AttributeValue.fromS(key)))
                                .consistentRead(true))
                        .item();
                boolean exists = item != null && !item.isEmpty();
                long version = exists ? Long.parseLong(item.get("version").n()) : 0;
                List<Long> hits = new ArrayList<>();
                if (exists) {
                    for (AttributeValue hit : item.get("hits").l()) {
                        long at = Long.parseLong(hit.n());
                        if (at > horizon) {
                            hits.add(at);
                        }
                    }
                }
                if (hits.size() >= rate.limit()) {
                    long oldest = hits.stream().mapToLong(Long::longValue).min().orElseThrow();
                    return Admission.refused(
                            Duration.ofMillis(oldest + rate.window().toMillis() - now.toEpochMilli()));
                }
                hits.add(now.toEpochMilli());
                if (write(key, hits, version, exists, now)) {
                    return Admission.ADMITTED;
                }
            }
        } catch (SdkException e) {
            throw new SentinelException(
                    ErrorCode.STATE_STORE_UNAVAILABLE,
                    "Cannot count requests in DynamoDB table " + table + ": " + e.getMessage(),
                    "Check that the table exists (partition key 'id', a string) and that the server may call"
                            + " dynamodb:GetItem and dynamodb:PutItem on it. Requests are refused meanwhile.",
                    e);
        }
        return Admission.refused(Duration.ofSeconds(1));
    }

    /** Writes the new log if nobody else wrote since it was read; false when someone did. */
    private boolean write(String key, List<Long> hits, long version, boolean exists, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(key));
        item.put(
                "hits",
                AttributeValue.fromL(hits.stream()
                        .map(hit -> AttributeValue.fromN(Long.toString(hit)))
                        .toList()));
        item.put("version", AttributeValue.fromN(Long.toString(version + 1)));
        item.put(
                "expires_at",
                AttributeValue.fromN(Long.toString(now.plus(rate.window()).getEpochSecond() + 1)));
        try {
            if (exists) {
                dynamo.putItem(b -> b.tableName(table)
                        .item(item)
                        .conditionExpression("#v = :v")
                        .expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version)))));
            } else {
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(id)"));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
