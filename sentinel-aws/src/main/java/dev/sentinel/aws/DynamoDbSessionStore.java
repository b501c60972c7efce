package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import dev.sentinel.session.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Server sessions in DynamoDB (team mode), one item per session keyed by {@code id}. Every transition is
 * a conditional write, so racing refreshes and revocations resolve to exactly one outcome. Times are
 * numbers (epoch milliseconds), so conditions compare instants; {@code ttl} lets DynamoDB remove a
 * session 30 days after it ends. Listing reads every page of a scan and sorts newest first.
 *
 * <p>Credentials handed out within a session are entries of the map attribute {@code issuances}, keyed by
 * decision id, each added by an UpdateItem conditional on the session being active, so none can be added
 * once the revocation's write has succeeded. Items written before the attribute existed get an empty map
 * on their first issuance, so existing tables keep working. Entries that expired long ago are removed as
 * new ones arrive, keeping the item far below DynamoDB's 400 KB item limit for any realistic refresh rate.
 */
public final class DynamoDbSessionStore implements SessionStore {
    public static final String DEFAULT_TABLE = "sentinel-sessions";
    private static final Duration KEEP_AFTER_END = Duration.ofDays(30);
    private static final String ACTIVE = "ACTIVE";
    private static final String IS_LIVE = "#status = :active AND expires_at > :now";
    private static final String ISSUANCES = "issuances";
    /** At most this many forgotten issuances are removed per recorded one (one UpdateItem, well within limits). */
    private static final int FORGET_BATCH = 25;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbSessionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = requireNonNull(dynamo, "dynamo is null");
        this.table = requireNonNull(table, "table is null");
    }

    @Override
    public void create(ServerSession session) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(session.id().value()));
        item.put("profile", s(session.profile()));
        item.put("user", s(session.user()));
        item.put("status", s(session.status().name()));
        item.put("started_at", n(session.startedAt().toEpochMilli()));
        item.put("last_access_at", n(session.lastAccessAt().toEpochMilli()));
        item.put("expires_at", n(session.expiresAt().toEpochMilli()));
        item.put("request_count", n(session.requestCount()));
        item.put("ttl", n(session.expiresAt().plus(KEEP_AFTER_END).getEpochSecond()));
        Map<String, AttributeValue> issuances = new HashMap<>();
        session.issuances().forEach(i -> issuances.put(i.decision().value(), AttributeValue.fromM(issuance(i))));
        item.put(ISSUANCES, AttributeValue.fromM(issuances));
        if (session.revokedBy() != null) {
            item.put("revoked_by", s(session.revokedBy()));
            item.put("revoked_reason", s(session.revokedReason()));
        }
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(id)"));
        } catch (SdkException e) {
            throw unavailable("create session " + session.id(), e);
        }
    }

    @Override
    public Optional<ServerSession> get(RequestId id) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(
                            b -> b.tableName(table).key(key(id)).consistentRead(true))
                    .item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
        } catch (SdkException e) {
            throw unavailable("read session " + id, e);
        }
    }

    @Override
    public ServerSession touch(RequestId id, Instant now) {
        try {
            return read(dynamo.updateItem(b -> b.tableName(table)
                            .key(key(id))
                            .updateExpression("SET last_access_at = :now ADD request_count :one")
                            .conditionExpression(IS_LIVE)
                            .expressionAttributeNames(Map.of("#status", "status"))
                            .expressionAttributeValues(
                                    Map.of(":now", n(now.toEpochMilli()), ":one", n(1), ":active", s(ACTIVE)))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes());
        } catch (ConditionalCheckFailedException e) {
            throw notActive(id, now);
        } catch (SdkException e) {
            throw unavailable("record a refresh of session " + id, e);
        }
    }

    @Override
    public void recordIssuance(RequestId id, Issuance issuance, Instant now) {
        Map<String, AttributeValue> updated;
        try {
            updated = addIssuance(id, issuance, now);
        } catch (ConditionalCheckFailedException e) {
            throw notActive(id, now);
        } catch (DynamoDbException e) {
            if (!isMissingMap(e)) {
                throw unavailable("record credentials issued in session " + id, e);
            }
            // An item written before sessions recorded issuances: give it the map, then add to it.
            try {
                dynamo.updateItem(b -> b.tableName(table)
                        .key(key(id))
                        .updateExpression("SET issuances = :empty")
                        .conditionExpression("attribute_not_exists(issuances) AND " + IS_LIVE)
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(
                                ":empty", AttributeValue.fromM(Map.of()),
                                ":now", n(now.toEpochMilli()),
                                ":active", s(ACTIVE))));
            } catch (ConditionalCheckFailedException raced) {
                // Either another writer added the map first, or the session is no longer active: the
                // conditional write below tells which.
            } catch (SdkException e2) {
                throw unavailable("record credentials issued in session " + id, e2);
            }
            try {
                updated = addIssuance(id, issuance, now);
            } catch (ConditionalCheckFailedException e2) {
                throw notActive(id, now);
            } catch (SdkException e2) {
                throw unavailable("record credentials issued in session " + id, e2);
            }
        } catch (SdkException e) {
            throw unavailable("record credentials issued in session " + id, e);
        }
        forgetExpired(id, updated, now);
    }

    private Map<String, AttributeValue> addIssuance(RequestId id, Issuance issuance, Instant now) {
        return dynamo.updateItem(b -> b.tableName(table)
                        .key(key(id))
                        .updateExpression("SET issuances.#decision = :issuance")
                        .conditionExpression(IS_LIVE)
                        .expressionAttributeNames(Map.of(
                                "#status",
                                "status",
                                "#decision",
                                issuance.decision().value()))
                        .expressionAttributeValues(Map.of(
                                ":issuance",
                                AttributeValue.fromM(issuance(issuance)),
                                ":now",
                                n(now.toEpochMilli()),
                                ":active",
                                s(ACTIVE)))
                        .returnValues(ReturnValue.ALL_NEW))
                .attributes();
    }

    private static boolean isMissingMap(DynamoDbException e) {
        return e.awsErrorDetails() != null
                && "ValidationException".equals(e.awsErrorDetails().errorCode())
                && e.awsErrorDetails().errorMessage() != null
                && e.awsErrorDetails().errorMessage().contains("document path");
    }

    /** Removes entries that expired long ago; removing one twice is harmless, so no condition is needed. */
    private void forgetExpired(RequestId id, Map<String, AttributeValue> item, Instant now) {
        Instant horizon = now.minus(FORGET_ISSUANCES_AFTER);
        Map<String, String> names = new HashMap<>();
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, AttributeValue> entry : item.get(ISSUANCES).m().entrySet()) {
            if (paths.size() < FORGET_BATCH
                    && millis(entry.getValue().m(), "expires_at").isBefore(horizon)) {
                String name = "#f" + paths.size();
                names.put(name, entry.getKey());
                paths.add("issuances." + name);
            }
        }
        if (paths.isEmpty()) {
            return;
        }
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(key(id))
                    .updateExpression("REMOVE " + String.join(", ", paths))
                    .conditionExpression("attribute_exists(issuances)")
                    .expressionAttributeNames(names));
        } catch (SdkException e) {
            throw unavailable("forget expired credentials of session " + id, e);
        }
    }

    @Override
    public ServerSession revoke(RequestId id, String by, String reason, Instant now) {
        try {
            return read(dynamo.updateItem(b -> b.tableName(table)
                            .key(key(id))
                            .updateExpression("SET #status = :revoked, revoked_by = :by, revoked_reason = :reason")
                            .conditionExpression(IS_LIVE)
                            .expressionAttributeNames(Map.of("#status", "status"))
                            .expressionAttributeValues(Map.of(
                                    ":now",
                                    n(now.toEpochMilli()),
                                    ":active",
                                    s(ACTIVE),
                                    ":revoked",
                                    s("REVOKED"),
                                    ":by",
                                    s(by),
                                    ":reason",
                                    s(reason)))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes());
        } catch (ConditionalCheckFailedException e) {
            throw notActive(id, now);
        } catch (SdkException e) {
            throw unavailable("revoke session " + id, e);
        }
    }

    @Override
    public void end(RequestId id, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(key(id))
                    .updateExpression("SET expires_at = :now")
                    .conditionExpression(IS_LIVE)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":active", s(ACTIVE))));
        } catch (ConditionalCheckFailedException e) {
            // Not active any more: nothing to end.
        } catch (SdkException e) {
            throw unavailable("end session " + id, e);
        }
    }

    @Override
    public List<ServerSession> list(ServerSession.Status status, int limit) {
        List<ServerSession> sessions = new ArrayList<>();
        try {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table).consistentRead(true);
            if (status != null) {
                scan.filterExpression("#status = :status")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(
                                Map.of(":status", s(status == ServerSession.Status.EXPIRED ? ACTIVE : status.name())));
            }
            dynamo.scanPaginator(scan.build()).items().forEach(item -> sessions.add(read(item)));
        } catch (SdkException e) {
            throw unavailable("list sessions", e);
        }
        sessions.sort(Comparator.comparing(ServerSession::startedAt).reversed().thenComparing(s -> s.id().value()));
        return List.copyOf(sessions.subList(0, Math.min(limit, sessions.size())));
    }

    private SentinelException notActive(RequestId id, Instant now) {
        ServerSession session = get(id).orElseThrow(() -> new SentinelException(
                ErrorCode.SESSION_NOT_FOUND,
                "There is no server session " + id + " in table " + table + ".",
                "List sessions with 'sentinel server-sessions'."));
        if (session.statusAt(now) == ServerSession.Status.REVOKED) {
            return new SentinelException(
                    ErrorCode.SESSION_REVOKED,
                    "Server session " + id + " was revoked by " + session.revokedBy() + ": " + session.revokedReason(),
                    "Start a new 'sentinel exec --server' if you still need access.");
        }
        return new SentinelException(
                ErrorCode.SESSION_EXPIRED,
                "Server session " + id + " ended at " + session.expiresAt() + ".",
                "Start a new 'sentinel exec --server'.");
    }

    private static ServerSession read(Map<String, AttributeValue> item) {
        return new ServerSession(
                new RequestId(item.get("id").s()),
                item.get("profile").s(),
                item.get("user").s(),
                ServerSession.Status.valueOf(item.get("status").s()),
                millis(item, "started_at"),
                millis(item, "last_access_at"),
                millis(item, "expires_at"),
                Long.parseLong(item.get("request_count").n()),
                item.containsKey("revoked_by") ? item.get("revoked_by").s() : null,
                item.containsKey("revoked_reason") ? item.get("revoked_reason").s() : null,
                issuances(item));
    }

    private static List<Issuance> issuances(Map<String, AttributeValue> item) {
        AttributeValue map = item.get(ISSUANCES);
        if (map == null || !map.hasM()) {
            return List.of();
        }
        List<Issuance> issuances = new ArrayList<>();
        for (Map.Entry<String, AttributeValue> entry : map.m().entrySet()) {
            Map<String, AttributeValue> value = entry.getValue().m();
            AttributeValue stamp = value.get("source_identity");
            issuances.add(new Issuance(
                    new RequestId(entry.getKey()),
                    stamp == null
                            ? null
                            : SourceIdentity.parse(stamp.s())
                                    .orElseThrow(() ->
                                            new IllegalStateException("not a Sentinel SourceIdentity: " + stamp.s())),
                    value.containsKey("role_arn") ? value.get("role_arn").s() : null,
                    millis(value, "expires_at")));
        }
        return issuances;
    }

    private static Map<String, AttributeValue> issuance(Issuance issuance) {
        Map<String, AttributeValue> value = new HashMap<>();
        value.put("expires_at", n(issuance.expiresAt().toEpochMilli()));
        if (issuance.stamped()) {
            value.put("source_identity", s(issuance.sourceIdentity().format()));
            value.put("role_arn", s(issuance.roleArn()));
        }
        return value;
    }

    private static Instant millis(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(Long.parseLong(item.get(name).n()));
    }

    private static Map<String, AttributeValue> key(RequestId id) {
        return Map.of("id", s(id.value()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private SentinelException unavailable(String action, SdkException e) {
        SentinelException translated = AwsErrors.translate(e, action + " in DynamoDB table " + table, "DynamoDB");
        return new SentinelException(
                ErrorCode.SESSION_STORE_UNAVAILABLE,
                translated.getMessage(),
                "Requests that need session tracking are refused until the table can be reached. " + translated.hint(),
                e);
    }
}
