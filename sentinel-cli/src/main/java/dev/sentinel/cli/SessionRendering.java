package dev.sentinel.cli;

import dev.sentinel.json.JsonWriter;
import dev.sentinel.session.Issuance;
import dev.sentinel.session.ServerSession;
import java.time.Instant;
import java.util.Locale;

/** How server sessions look on stdout: one JSON object each, or one text line each. */
final class SessionRendering {
    private SessionRendering() {}

    static String json(ServerSession s, Instant now) {
        return JsonWriter.object()
                .field("id", s.id().value())
                .field("profile", s.profile())
                .field("user", s.user())
                .field("status", s.statusAt(now).name().toLowerCase(Locale.ROOT))
                .field("started_at", s.startedAt().toString())
                .field("last_access_at", s.lastAccessAt().toString())
                .field("expires_at", s.expiresAt().toString())
                .field("request_count", s.requestCount())
                .field("revoked_by", s.revokedBy())
                .field("revoked_reason", s.revokedReason())
                .rawField("credentials", credentials(s))
                .close();
    }

    /** The credentials handed out within the session that a revocation with --now would consider. */
    private static String credentials(ServerSession s) {
        StringBuilder json = new StringBuilder("[");
        for (Issuance issuance : s.issuances()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(JsonWriter.object()
                    .field("decision_id", issuance.decision().value())
                    .field(
                            "source_identity",
                            issuance.stamped() ? issuance.sourceIdentity().format() : null)
                    .field("role_arn", issuance.roleArn())
                    .field("expires_at", issuance.expiresAt().toString())
                    .close());
        }
        return json.append(']').toString();
    }

    static String line(ServerSession s, Instant now) {
        return String.format(
                "%-10s  %-8s  %-20s  %-16s  %-20s  %5d  %s",
                s.id().value(),
                s.statusAt(now).name().toLowerCase(Locale.ROOT),
                s.profile(),
                s.user(),
                s.startedAt().toString().substring(0, 19) + "Z",
                s.requestCount(),
                s.revokedReason() == null ? "" : "revoked by " + s.revokedBy() + ": " + s.revokedReason());
    }

    static final String HEADER = String.format(
            "%-10s  %-8s  %-20s  %-16s  %-20s  %5s  %s", "ID", "STATUS", "PROFILE", "USER", "STARTED", "CALLS", "NOTE");
}
