package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassEvent.Status;
import dev.sentinel.breakglass.BreakGlassQuery;
import dev.sentinel.breakglass.BreakGlassStore;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.mfa.MfaChallenge;
import dev.sentinel.mfa.MfaStore;
import dev.sentinel.store.Page;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Break-glass events and MFA replay state in one DynamoDB table (team mode), keyed by {@code id}.
 *
 * <p>Events carry {@code invoker}, {@code status}, {@code profile} and {@code created} (13-digit epoch
 * milliseconds, {@code #}, id), the keys of the indexes {@code gsi-invoker}, {@code gsi-status} and
 * {@code gsi-profile}, so every index reads newest first by creation time, then id. Other items share
 * the table under ids that no event id can take (event ids have no {@code #}) and carry none of those
 * keys, so they never show in lists or counts: the guard {@code active#<invoker>#<profile>} names the
 * event that holds the one-active-event rule and when it ends; {@code totp#<user>} holds the last
 * accepted TOTP step; {@code challenge#<id>} holds an SMS challenge.
 *
 * <p>{@link #open} is one transaction that puts the guard (only if absent, or still exactly the one it
 * read, whose event has ended or is no longer active), puts the event (only if the id is new) and, when
 * the guarded event ran out of time, records it as expired (only at the version it read). Updates that
 * move an event away from active release the guard in the same transaction. Lists and counts query the
 * most selective index and read DynamoDB pages until the answer is complete, never one filtered page;
 * index reads are eventually consistent, so an event opened a moment ago may be missing from them.
 */
public final class DynamoDbBreakGlassStore implements BreakGlassStore, MfaStore {
    public static final String DEFAULT_TABLE = "sentinel-breakglass";
    static final String INVOKER_INDEX = "gsi-invoker";
    static final String STATUS_INDEX = "gsi-status";
    static final String PROFILE_INDEX = "gsi-profile";
    private static final int DEFAULT_READ_PAGE = 100;
    private static final int ATTEMPTS = 5;
    private static final String CREATED = "created";
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final Pattern CURSOR = Pattern.compile("\\d{13}#[a-z2-7]{" + RequestId.LENGTH + "}");

    private final DynamoDbClient dynamo;
    private final String table;
    private final int readPage;

    public DynamoDbBreakGlassStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, DEFAULT_READ_PAGE);
    }

    /** {@code readPage} caps the items DynamoDB evaluates per query page (tests make it small). */
    DynamoDbBreakGlassStore(DynamoDbClient dynamo, String table, int readPage) {
        this.dynamo = requireNonNull(dynamo, "dynamo is null");
        this.table = requireNonNull(table, "table is null");
        if (readPage < 1) {
            throw new IllegalArgumentException("readPage must be positive: " + readPage);
        }
        this.readPage = readPage;
    }

    /** Creates the table with its three indexes, on-demand billing, and returns once it is active. */
    public static void createTable(DynamoDbClient dynamo, String table) {
        try {
            dynamo.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            stringAttribute("id"),
                            stringAttribute("invoker"),
                            stringAttribute("status"),
                            stringAttribute("profile"),
                            stringAttribute(CREATED))
                    .keySchema(key("id", KeyType.HASH))
                    .globalSecondaryIndexes(
                            index(INVOKER_INDEX, "invoker"),
                            index(STATUS_INDEX, "status"),
                            index(PROFILE_INDEX, "profile")));
            try (DynamoDbWaiter waiter = dynamo.waiter()) {
                waiter.waitUntilTableExists(b -> b.tableName(table));
            }
        } catch (SdkException e) {
            throw unavailable(table, "create the break-glass table", e);
        }
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

    private static GlobalSecondaryIndex index(String name, String partitionKey) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(partitionKey, KeyType.HASH), key(CREATED, KeyType.RANGE))
                .projection(
                        Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    @Override
    public void open(BreakGlassEvent event) {
        String guardId = guardId(event.invoker(), event.profile());
        Map<String, AttributeValue> claim = guard(guardId, event);
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                List<TransactWriteItem> writes = new ArrayList<>();
                Optional<Map<String, AttributeValue>> current = read(guardId);
                if (current.isEmpty()) {
                    writes.add(put(claim, "attribute_not_exists(id)", Map.of()));
                } else {
                    RequestId holder =
                            new RequestId(current.get().get("event_id").s());
                    Optional<BreakGlassEvent> held = get(holder);
                    boolean active = held.isPresent() && held.get().status() == Status.ACTIVE;
                    if (active && held.get().expiresAt().isAfter(event.createdAt())) {
                        throw alreadyActive(held.get());
                    }
                    if (active) {
                        writes.add(expire(held.get(), event.createdAt()));
                    }
                    writes.add(put(
                            claim,
                            "event_id = :holder AND expires_at = :seen",
                            Map.of(
                                    ":holder",
                                    s(holder.value()),
                                    ":seen",
                                    current.get().get("expires_at"))));
                }
                writes.add(put(item(event), "attribute_not_exists(id)", Map.of()));
                try {
                    dynamo.transactWriteItems(b -> b.transactItems(writes));
                    return;
                } catch (TransactionCanceledException e) {
                    if (failed(e, writes.size() - 1)) {
                        throw new SentinelException(
                                ErrorCode.STATE_CONFLICT,
                                "A break-glass event with id " + event.id() + " already exists.",
                                "Retry: a new event gets a new id.");
                    }
                    // The guard or the event it held changed since it was read: read them again.
                }
            }
        } catch (SdkException e) {
            throw unavailable(table, "open break-glass event " + event.id(), e);
        }
        throw busy(event.id());
    }

    /** Records {@code held} as expired at {@code now}, if it is still at the version read. */
    private TransactWriteItem expire(BreakGlassEvent held, Instant now) {
        return TransactWriteItem.builder()
                .update(Update.builder()
                        .tableName(table)
                        .key(Map.of("id", s(held.id().value())))
                        .updateExpression("SET #status = :expired, updated_at = :now, version = :next")
                        .conditionExpression("version = :version")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(
                                ":expired", s(Status.EXPIRED.name()),
                                ":now", n(now.toEpochMilli()),
                                ":next", n(held.version() + 1),
                                ":version", n(held.version())))
                        .build())
                .build();
    }

    @Override
    public Optional<BreakGlassEvent> get(RequestId id) {
        try {
            return read(id.value()).map(DynamoDbBreakGlassStore::event);
        } catch (SdkException e) {
            throw unavailable(table, "read break-glass event " + id, e);
        }
    }

    @Override
    public void update(BreakGlassEvent next) {
        String guardId = guardId(next.invoker(), next.profile());
        boolean staysActive = next.status() == Status.ACTIVE;
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":previous", n(next.version() - 1)));
        if (staysActive) {
            values.put(":active", s(Status.ACTIVE.name()));
        }
        TransactWriteItem change = TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(table)
                        .item(item(next))
                        .conditionExpression("version = :previous" + (staysActive ? " AND #status = :active" : ""))
                        .expressionAttributeNames(staysActive ? Map.of("#status", "status") : null)
                        .expressionAttributeValues(values)
                        .build())
                .build();
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                List<TransactWriteItem> writes = new ArrayList<>(List.of(change));
                Optional<Map<String, AttributeValue>> current = read(guardId);
                if (current.isPresent()
                        && current.get().get("event_id").s().equals(next.id().value())) {
                    Map<String, AttributeValue> seen = Map.of(
                            ":holder",
                            s(next.id().value()),
                            ":seen",
                            current.get().get("expires_at"));
                    String held = "event_id = :holder AND expires_at = :seen";
                    writes.add(staysActive ? put(guard(guardId, next), held, seen) : delete(guardId, held, seen));
                }
                try {
                    dynamo.transactWriteItems(b -> b.transactItems(writes));
                    return;
                } catch (TransactionCanceledException e) {
                    if (failed(e, 0)) {
                        throw refusedUpdate(next);
                    }
                    // The guard changed since it was read: read it again.
                }
            }
        } catch (SdkException e) {
            throw unavailable(table, "update break-glass event " + next.id(), e);
        }
        throw busy(next.id());
    }

    private SentinelException refusedUpdate(BreakGlassEvent next) {
        BreakGlassEvent current = get(next.id())
                .orElseThrow(() -> new SentinelException(
                        ErrorCode.BREAKGLASS_NOT_FOUND,
                        "There is no break-glass event " + next.id() + " in table " + table + ".",
                        "List events with 'sentinel breakglass-list'."));
        if (current.version() != next.version() - 1) {
            return new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "Break-glass event " + next.id() + " was changed by someone else (it is now "
                            + current.status().yamlName() + ", version " + current.version() + ").",
                    "Check it with 'sentinel breakglass-check " + next.id() + "' and retry if still needed.");
        }
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Break-glass event " + next.id() + " is " + current.status().yamlName()
                        + " and cannot become active again.",
                "Invoke break-glass again for a new event.");
    }

    @Override
    public Page<BreakGlassEvent> list(BreakGlassQuery query, String pageToken) {
        String before = pageToken == null ? null : cursor(pageToken);
        List<BreakGlassEvent> events = new ArrayList<>();
        try {
            List<Iterator<Map<String, AttributeValue>>> sources = new ArrayList<>();
            for (Selection selection : Selection.of(query.invoker(), query.status(), query.profile())) {
                sources.add(dynamo.queryPaginator(request(selection, "<", before))
                        .items()
                        .iterator());
            }
            Iterator<Map<String, AttributeValue>> items = new NewestFirst(sources);
            while (events.size() <= query.limit() && items.hasNext()) {
                events.add(event(items.next()));
            }
        } catch (SdkException e) {
            throw unavailable(table, "list break-glass events", e);
        }
        if (events.size() <= query.limit()) {
            return new Page<>(events, null);
        }
        String next = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(created(events.get(query.limit() - 1)).getBytes(StandardCharsets.UTF_8));
        return new Page<>(events.subList(0, query.limit()), next);
    }

    private static String cursor(String pageToken) {
        try {
            String cursor = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            if (CURSOR.matcher(cursor).matches()) {
                return cursor;
            }
        } catch (IllegalArgumentException notBase64) {
            // reported below
        }
        throw new SentinelException(
                ErrorCode.USAGE,
                "The page token '" + pageToken + "' is not one this store issued.",
                "Pass the next-page token of the previous page unchanged, or none for the first page.");
    }

    @Override
    public int countSince(String invoker, String profile, Instant since) {
        String from = String.format("%013d", since.toEpochMilli());
        int count = 0;
        try {
            for (Selection selection : Selection.of(invoker, null, profile)) {
                QueryRequest request = request(selection, ">=", from).toBuilder()
                        .select(Select.COUNT)
                        .build();
                for (QueryResponse page : dynamo.queryPaginator(request)) {
                    count += page.count();
                }
            }
        } catch (SdkException e) {
            throw unavailable(table, "count break-glass events", e);
        }
        return count;
    }

    @Override
    public Optional<BreakGlassEvent> latest(String invoker, String profile) {
        try {
            Iterator<Map<String, AttributeValue>> items = dynamo.queryPaginator(
                            request(Selection.of(invoker, null, profile).get(0), "<", null))
                    .items()
                    .iterator();
            return items.hasNext() ? Optional.of(event(items.next())) : Optional.empty();
        } catch (SdkException e) {
            throw unavailable(table, "read the latest break-glass event of " + invoker, e);
        }
    }

    /**
     * A query of one index partition, newest first; {@code bound} (a {@code created} value, or null for
     * none) limits the sort key with {@code comparison}.
     */
    private QueryRequest request(Selection selection, String comparison, String bound) {
        Map<String, String> names = new HashMap<>(Map.of("#key", selection.keyAttribute()));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":key", s(selection.key())));
        String keyCondition = "#key = :key";
        if (bound != null) {
            names.put("#created", CREATED);
            values.put(":created", s(bound));
            keyCondition += " AND #created " + comparison + " :created";
        }
        List<String> filters = new ArrayList<>();
        for (Map.Entry<String, String> filter : selection.filters().entrySet()) {
            int n = filters.size();
            names.put("#f" + n, filter.getKey());
            values.put(":f" + n, s(filter.getValue()));
            filters.add("#f" + n + " = :f" + n);
        }
        return QueryRequest.builder()
                .tableName(table)
                .indexName(selection.index())
                .keyConditionExpression(keyCondition)
                .filterExpression(filters.isEmpty() ? null : String.join(" AND ", filters))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(readPage)
                .build();
    }

    /** Which index partitions answer a query, and the equality filters applied to them. */
    private record Selection(String index, String keyAttribute, String key, Map<String, String> filters) {
        static List<Selection> of(String invoker, Status status, String profile) {
            Map<String, String> filters = new LinkedHashMap<>();
            if (invoker != null) {
                if (profile != null) {
                    filters.put("profile", profile);
                }
                if (status != null) {
                    filters.put("status", status.name());
                }
                return List.of(new Selection(INVOKER_INDEX, "invoker", invoker, filters));
            }
            if (profile != null) {
                if (status != null) {
                    filters.put("status", status.name());
                }
                return List.of(new Selection(PROFILE_INDEX, "profile", profile, filters));
            }
            List<Selection> selections = new ArrayList<>();
            for (Status each : status == null ? Status.values() : new Status[] {status}) {
                selections.add(new Selection(STATUS_INDEX, "status", each.name(), filters));
            }
            return selections;
        }
    }

    /** Merges newest-first streams of events into one, by {@code created}. */
    private static final class NewestFirst implements Iterator<Map<String, AttributeValue>> {
        private final List<Iterator<Map<String, AttributeValue>>> sources;
        private final List<Map<String, AttributeValue>> heads = new ArrayList<>();

        NewestFirst(List<Iterator<Map<String, AttributeValue>>> sources) {
            this.sources = sources;
            for (Iterator<Map<String, AttributeValue>> source : sources) {
                heads.add(source.hasNext() ? source.next() : null);
            }
        }

        @Override
        public boolean hasNext() {
            return heads.stream().anyMatch(head -> head != null);
        }

        @Override
        public Map<String, AttributeValue> next() {
            int newest = -1;
            for (int i = 0; i < heads.size(); i++) {
                Map<String, AttributeValue> head = heads.get(i);
                if (head != null
                        && (newest < 0
                                || head.get(CREATED)
                                                .s()
                                                .compareTo(heads.get(newest)
                                                        .get(CREATED)
                                                        .s())
                                        > 0)) {
                    newest = i;
                }
            }
            if (newest < 0) {
                throw new NoSuchElementException();
            }
            Map<String, AttributeValue> item = heads.get(newest);
            Iterator<Map<String, AttributeValue>> source = sources.get(newest);
            heads.set(newest, source.hasNext() ? source.next() : null);
            return item;
        }
    }

    @Override
    public boolean claimTotpStep(String user, long step) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("id", s("totp#" + user)))
                    .updateExpression("SET last_step = :step")
                    .conditionExpression("attribute_not_exists(id) OR last_step < :step")
                    .expressionAttributeValues(Map.of(":step", n(step))));
            return true;
        } catch (ConditionalCheckFailedException replay) {
            return false;
        } catch (SdkException e) {
            throw unavailable(table, "record the TOTP step of " + user, e);
        }
    }

    @Override
    public void saveChallenge(MfaChallenge challenge) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "id", s("challenge#" + challenge.id().value()),
                            "user", s(challenge.user()),
                            "method", s(challenge.method()),
                            "code_hash", s(challenge.codeHash()),
                            "expires_at", n(challenge.expiresAt().toEpochMilli())))
                    .conditionExpression("attribute_not_exists(id)"));
        } catch (ConditionalCheckFailedException e) {
            throw new SentinelException(
                    ErrorCode.STATE_CONFLICT,
                    "An MFA challenge with id " + challenge.id() + " already exists.",
                    "Ask for a new code: a new challenge gets a new id.");
        } catch (SdkException e) {
            throw unavailable(table, "save MFA challenge " + challenge.id(), e);
        }
    }

    /** The delete decides who gets the challenge: only the caller whose delete removed it sees the old item. */
    @Override
    public Optional<MfaChallenge> takeChallenge(RequestId id) {
        try {
            Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table)
                            .key(Map.of("id", s("challenge#" + id.value())))
                            .returnValues(ReturnValue.ALL_OLD))
                    .attributes();
            if (old == null || old.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new MfaChallenge(
                    id,
                    old.get("user").s(),
                    old.get("method").s(),
                    old.get("code_hash").s(),
                    millis(old, "expires_at")));
        } catch (SdkException e) {
            throw unavailable(table, "take MFA challenge " + id, e);
        }
    }

    /** The guard's id; {@code %} and {@code #} in the names are escaped, so no two pairs share one. */
    private static String guardId(String invoker, String profile) {
        return "active#" + escape(invoker) + "#" + escape(profile);
    }

    /** The guard item that makes {@code event} the one active event of its invoker and profile. */
    private static Map<String, AttributeValue> guard(String guardId, BreakGlassEvent event) {
        return Map.of(
                "id", s(guardId),
                "event_id", s(event.id().value()),
                "expires_at", n(event.expiresAt().toEpochMilli()));
    }

    private static String escape(String name) {
        return name.replace("%", "%25").replace("#", "%23");
    }

    /** The item with this id, read consistently. */
    private Optional<Map<String, AttributeValue>> read(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(Map.of("id", s(id))).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private TransactWriteItem put(
            Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder()
                .put(Put.builder()
                        .tableName(table)
                        .item(item)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values.isEmpty() ? null : values)
                        .build())
                .build();
    }

    private TransactWriteItem delete(String id, String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder()
                .delete(Delete.builder()
                        .tableName(table)
                        .key(Map.of("id", s(id)))
                        .conditionExpression(condition)
                        .expressionAttributeValues(values)
                        .build())
                .build();
    }

    /** Whether the write at {@code index} of a cancelled transaction failed its condition. */
    private static boolean failed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons.size() > index
                && CONDITION_FAILED.equals(reasons.get(index).code());
    }

    private static String created(BreakGlassEvent event) {
        return String.format(
                "%013d#%s", event.createdAt().toEpochMilli(), event.id().value());
    }

    private static Map<String, AttributeValue> item(BreakGlassEvent event) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(event.id().value()));
        item.put("invoker", s(event.invoker()));
        item.put("profile", s(event.profile()));
        item.put("reason_code", s(event.reasonCode().name()));
        item.put("justification", s(event.justification()));
        item.put("status", s(event.status().name()));
        item.put(CREATED, s(created(event)));
        item.put("created_at", n(event.createdAt().toEpochMilli()));
        item.put("updated_at", n(event.updatedAt().toEpochMilli()));
        item.put("expires_at", n(event.expiresAt().toEpochMilli()));
        item.put("duration_ms", n(event.duration().toMillis()));
        item.put("escalated", AttributeValue.fromBool(event.escalated()));
        item.put("version", n(event.version()));
        putIfPresent(item, "invoker_arn", event.invokerArn());
        putIfPresent(item, "mfa_method", event.mfaMethod());
        putIfPresent(item, "closed_by", event.closedBy());
        putIfPresent(item, "closed_reason", event.closedReason());
        if (event.closedAt() != null) {
            item.put("closed_at", n(event.closedAt().toEpochMilli()));
        }
        return item;
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static BreakGlassEvent event(Map<String, AttributeValue> item) {
        return new BreakGlassEvent(
                new RequestId(item.get("id").s()),
                item.get("invoker").s(),
                text(item, "invoker_arn"),
                item.get("profile").s(),
                ReasonCode.valueOf(item.get("reason_code").s()),
                item.get("justification").s(),
                Status.valueOf(item.get("status").s()),
                millis(item, "created_at"),
                millis(item, "updated_at"),
                millis(item, "expires_at"),
                Duration.ofMillis(Long.parseLong(item.get("duration_ms").n())),
                text(item, "mfa_method"),
                item.get("escalated").bool(),
                text(item, "closed_by"),
                text(item, "closed_reason"),
                item.containsKey("closed_at") ? millis(item, "closed_at") : null,
                Long.parseLong(item.get("version").n()));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
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

    private static SentinelException alreadyActive(BreakGlassEvent open) {
        return new SentinelException(
                ErrorCode.BREAKGLASS_ACTIVE,
                "Break-glass event " + open.id() + " is already active for " + open.invoker() + " on profile '"
                        + open.profile() + "' until " + open.expiresAt() + ".",
                "Close it with 'sentinel breakglass-close " + open.id() + " --reason ...', or wait until it ends.");
    }

    private SentinelException busy(RequestId id) {
        return new SentinelException(
                ErrorCode.STATE_CONFLICT,
                "Break-glass event " + id + " could not be written: other changes to table " + table
                        + " kept getting in first.",
                "Retry in a moment.");
    }

    private static SentinelException unavailable(String table, String action, SdkException e) {
        SentinelException translated = AwsErrors.translate(e, action + " in DynamoDB table " + table, "DynamoDB");
        return new SentinelException(
                ErrorCode.STATE_STORE_UNAVAILABLE,
                translated.getMessage(),
                "Break-glass and MFA are refused until the table can be reached. " + translated.hint(),
                e);
    }
}
