package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.approval.Approval;
import dev.sentinel.approval.ApprovalQuery;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.approval.ApprovalStore;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.store.Page;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Approval requests in DynamoDB (team mode), one item per request keyed by {@code id}. Creation is a
 * PutItem conditional on {@code attribute_not_exists(id)}; every change is a PutItem conditional on the
 * stored {@code version} being the one before, so racing approvers resolve to exactly one outcome. Times
 * are numbers (epoch milliseconds), durations milliseconds. There is no TTL: requests are audit records.
 *
 * <p>Lists query one of three GSIs ({@code gsi-requester}, {@code gsi-profile}, {@code gsi-status}, in
 * that order of preference), whose sort key {@code created} is the creation time as 13 zero-padded
 * digits of epoch milliseconds, {@code #}, and the id, so it sorts as time then id. Other filters are a
 * FilterExpression, and DynamoDB pages are read until the page is full or the index ends. The page token
 * is the {@code created} key of the last request returned, and the next page asks for keys below it, so
 * paging never skips or repeats a request. GSIs are eventually consistent: a request may show up in a
 * list a moment after it is written. A list without any filter scans the whole table and sorts it in
 * memory (for administrators; every filtered list uses an index).
 */
public final class DynamoDbApprovalStore implements ApprovalStore {
    public static final String DEFAULT_TABLE = "sentinel-requests";
    private static final String CREATED = "created";
    private static final Pattern CREATED_KEY = Pattern.compile("\\d{13}#[a-z2-7]{" + RequestId.LENGTH + "}");
    private static final long MAX_CREATED_MILLIS = 9_999_999_999_999L;
    /** The attributes with an index (named {@code gsi-<attribute>}), most selective first. */
    private static final List<String> INDEXED = List.of("requester", "profile", "status");

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbApprovalStore(DynamoDbClient dynamo, String table) {
        this.dynamo = requireNonNull(dynamo, "dynamo is null");
        this.table = requireNonNull(table, "table is null");
    }

    /**
     * Creates the table (on-demand billing, partition key {@code id}, the three list GSIs projecting every
     * attribute) and waits until it is active.
     */
    public static void createTable(DynamoDbClient dynamo, String table) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (String attribute : List.of("id", CREATED)) {
            attributes.add(stringAttribute(attribute));
        }
        for (String attribute : INDEXED) {
            attributes.add(stringAttribute(attribute));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName("gsi-" + attribute)
                    .keySchema(key(attribute, KeyType.HASH), key(CREATED, KeyType.RANGE))
                    .projection(p -> p.projectionType(ProjectionType.ALL))
                    .build());
        }
        try (DynamoDbWaiter waiter = dynamo.waiter()) {
            dynamo.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attributes)
                    .keySchema(key("id", KeyType.HASH))
                    .globalSecondaryIndexes(indexes));
            waiter.waitUntilTableExists(b -> b.tableName(table));
        } catch (SdkException e) {
            throw unavailable("create table " + table, table, e);
        }
    }

    @Override
    public void create(ApprovalRequest request) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(request)).conditionExpression("attribute_not_exists(id)"));
        } catch (ConditionalCheckFailedException e) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "An approval request with id " + request.id() + " already exists in table " + table + ".",
                    "Create the request again; it gets a new id.",
                    e);
        } catch (SdkException e) {
            throw unavailable("create approval request " + request.id(), table, e);
        }
    }

    @Override
    public Optional<ApprovalRequest> get(RequestId id) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(b ->
                            b.tableName(table).key(Map.of("id", s(id.value()))).consistentRead(true))
                    .item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
        } catch (SdkException e) {
            throw unavailable("read approval request " + id, table, e);
        }
    }

    @Override
    public void update(ApprovalRequest next) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item(next))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":expected", n(next.version() - 1))));
        } catch (ConditionalCheckFailedException e) {
            throw notUpdated(next);
        } catch (SdkException e) {
            throw unavailable("update approval request " + next.id(), table, e);
        }
    }

    private SentinelException notUpdated(ApprovalRequest next) {
        Optional<ApprovalRequest> stored = get(next.id());
        if (stored.isEmpty()) {
            return new SentinelException(
                    ErrorCode.APPROVAL_NOT_FOUND,
                    "There is no approval request " + next.id() + " in table " + table + ".",
                    "List requests with 'sentinel list'.");
        }
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Approval request " + next.id() + " changed while this change was being made (it is now at version "
                        + stored.get().version() + ", this change expected version " + (next.version() - 1) + ").",
                "Look at the request again with 'sentinel check " + next.id()
                        + "' and retry if the change still makes sense.");
    }

    @Override
    public Page<ApprovalRequest> list(ApprovalQuery query, String pageToken) {
        String after = pageToken == null ? null : decode(pageToken);
        // One more than the page: it tells whether another page follows.
        int wanted = query.limit() + 1;
        // In the order of INDEXED, so the first filter names the index to query.
        Map<String, String> filters = new LinkedHashMap<>();
        if (query.requester() != null) {
            filters.put("requester", query.requester());
        }
        if (query.profile() != null) {
            filters.put("profile", query.profile());
        }
        if (query.status() != null) {
            filters.put("status", query.status().name());
        }
        List<ApprovalRequest> found;
        try {
            found = filters.isEmpty() ? scanAll(after, wanted) : queryIndex(filters, after, wanted);
        } catch (SdkException e) {
            throw unavailable("list approval requests", table, e);
        }
        if (found.size() <= query.limit()) {
            return new Page<>(found, null);
        }
        List<ApprovalRequest> page = found.subList(0, query.limit());
        return new Page<>(page, encode(created(page.get(page.size() - 1))));
    }

    /**
     * Reads the index of the first filter (the most selective), newest first, below {@code after}, until
     * {@code wanted} requests pass the other filters or the index ends.
     */
    private List<ApprovalRequest> queryIndex(Map<String, String> filters, String after, int wanted) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        filters.forEach((attribute, value) -> {
            names.put("#" + attribute, attribute);
            values.put(":" + attribute, s(value));
            conditions.add("#" + attribute + " = :" + attribute);
        });
        String keyCondition = conditions.remove(0);
        if (after != null) {
            names.put("#created", CREATED);
            values.put(":after", s(after));
            keyCondition += " AND #created < :after";
        }
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(table)
                .indexName("gsi-" + filters.keySet().iterator().next())
                .keyConditionExpression(keyCondition)
                .scanIndexForward(false)
                .limit(wanted)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
        if (!conditions.isEmpty()) {
            request.filterExpression(String.join(" AND ", conditions));
        }
        List<ApprovalRequest> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse response =
                    dynamo.query(request.exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : response.items()) {
                found.add(read(item));
                if (found.size() == wanted) {
                    return found;
                }
            }
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return found;
    }

    /** Every request below {@code after}: this reads the whole table, then sorts newest first. */
    private List<ApprovalRequest> scanAll(String after, int wanted) {
        List<ApprovalRequest> all = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> {
                    if (after == null || item.get(CREATED).s().compareTo(after) < 0) {
                        all.add(read(item));
                    }
                });
        all.sort(Comparator.comparing(DynamoDbApprovalStore::created).reversed());
        return all.subList(0, Math.min(wanted, all.size()));
    }

    private static Map<String, AttributeValue> item(ApprovalRequest request) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(request.id().value()));
        item.put("requester", s(request.requester()));
        putIfPresent(item, "requester_arn", request.requesterArn());
        item.put("profile", s(request.profile()));
        item.put("duration_ms", n(request.duration().toMillis()));
        item.put("justification", s(request.justification()));
        item.put("status", s(request.status().name()));
        item.put("created_at", n(request.createdAt().toEpochMilli()));
        item.put(CREATED, s(created(request)));
        item.put("updated_at", n(request.updatedAt().toEpochMilli()));
        item.put("expires_at", n(request.expiresAt().toEpochMilli()));
        if (request.accessStart() != null) {
            item.put("access_start", n(request.accessStart().toEpochMilli()));
        }
        item.put("approvals_required", n(request.approvalsRequired()));
        List<AttributeValue> approvals = new ArrayList<>();
        for (Approval approval : request.approvals()) {
            Map<String, AttributeValue> entry = new HashMap<>();
            entry.put("approver", s(approval.approver()));
            entry.put("at", n(approval.at().toEpochMilli()));
            putIfPresent(entry, "comment", approval.comment());
            approvals.add(AttributeValue.fromM(entry));
        }
        item.put("approvals", AttributeValue.fromL(approvals));
        putIfPresent(item, "decided_by", request.decidedBy());
        putIfPresent(item, "comment", request.comment());
        item.put("auto_approved", AttributeValue.fromBool(request.autoApproved()));
        item.put("version", n(request.version()));
        return item;
    }

    private static ApprovalRequest read(Map<String, AttributeValue> item) {
        List<Approval> approvals = new ArrayList<>();
        for (AttributeValue value : item.get("approvals").l()) {
            Map<String, AttributeValue> entry = value.m();
            approvals.add(new Approval(entry.get("approver").s(), millis(entry, "at"), string(entry, "comment")));
        }
        return new ApprovalRequest(
                new RequestId(item.get("id").s()),
                item.get("requester").s(),
                string(item, "requester_arn"),
                item.get("profile").s(),
                Duration.ofMillis(Long.parseLong(item.get("duration_ms").n())),
                item.get("justification").s(),
                ApprovalRequest.Status.valueOf(item.get("status").s()),
                millis(item, "created_at"),
                millis(item, "updated_at"),
                millis(item, "expires_at"),
                item.containsKey("access_start") ? millis(item, "access_start") : null,
                Integer.parseInt(item.get("approvals_required").n()),
                approvals,
                string(item, "decided_by"),
                string(item, "comment"),
                item.get("auto_approved").bool(),
                Long.parseLong(item.get("version").n()));
    }

    /** The GSI sort key: creation millis (13 digits, zero-padded), {@code #}, id; it sorts as time, then id. */
    private static String created(ApprovalRequest request) {
        long millis = request.createdAt().toEpochMilli();
        if (millis < 0 || millis > MAX_CREATED_MILLIS) {
            throw new IllegalArgumentException("createdAt must be between 1970 and 2286: " + request.createdAt());
        }
        return String.format("%013d#%s", millis, request.id().value());
    }

    private static String encode(String created) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(created.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String created = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (CREATED_KEY.matcher(created).matches()) {
                return created;
            }
        } catch (IllegalArgumentException e) {
            // Not base64: the same answer as any other bad token.
        }
        throw new SentinelException(
                ErrorCode.USAGE,
                "The page token '" + token + "' is not one this approval store issued.",
                "Pass back the token from the previous page unchanged, or start again without one.");
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant millis(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(Long.parseLong(item.get(name).n()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static SentinelException unavailable(String action, String table, SdkException e) {
        SentinelException translated = AwsErrors.translate(e, action + " in DynamoDB table " + table, "DynamoDB");
        return new SentinelException(
                ErrorCode.STATE_STORE_UNAVAILABLE,
                translated.getMessage(),
                "Requests that need approval are refused until the table can be reached. " + translated.hint(),
                e);
    }
}
