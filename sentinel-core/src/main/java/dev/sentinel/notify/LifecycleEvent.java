package dev.sentinel.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.json.JsonWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something happened to an access request or a break-glass event, as sent to notification receivers and
 * written to the audit log. {@code type} is one of {@code request.created}, {@code request.approved},
 * {@code request.denied}, {@code request.cancelled}, {@code request.expired}, {@code breakglass.invoked},
 * {@code breakglass.escalated}, {@code breakglass.closed}, {@code breakglass.expired}. {@code id} is the
 * request's or event's id; {@code actor} who caused it; {@code details} the remaining fields, in order.
 * Holds no secret.
 */
public record LifecycleEvent(
        String type, Instant time, String id, String profile, String user, String actor, Map<String, String> details)
        implements AuditRecord {
    public LifecycleEvent {
        requireNonNull(type, "type is null");
        requireNonNull(time, "time is null");
        requireNonNull(id, "id is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(user, "user is null");
        requireNonNull(actor, "actor is null");
        details =
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(details, "details is null")));
    }

    /** The workflow this event belongs to: {@code request} or {@code breakglass}. */
    public String workflow() {
        return type.substring(0, type.indexOf('.'));
    }

    @Override
    public String toJson() {
        JsonWriter json = JsonWriter.object()
                .field("type", type)
                .field("time", time.toString())
                .field("id", id)
                .field("profile", profile)
                .field("user", user)
                .field("actor", actor);
        details.forEach(json::field);
        return json.close();
    }
}
