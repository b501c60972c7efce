package dev.sentinel.audit;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.Grant;
import dev.sentinel.json.JsonWriter;
import java.time.Instant;

/**
 * One decision, as it goes into the decision log (DESIGN.md 4.6). Holds no secret: no keys, no session
 * tokens. Optional fields are null when they do not apply; {@link #toJson} writes a fixed field order.
 */
public record DecisionEntry(
        Instant time,
        String decisionId,
        String outcome,
        String profile,
        String mode,
        String user,
        String principalArn,
        String effect,
        String rule,
        Integer ruleIndex,
        String reason,
        String code,
        String sourceIdentity,
        String roleArn,
        Instant expiration,
        Boolean cached,
        String policySource,
        String policySha256,
        String session,
        Grant grant)
        implements AuditRecord {

    public static final String ISSUED = "issued";
    public static final String REFUSED = "refused";
    public static final String DRY_RUN = "dry_run";

    public DecisionEntry {
        requireNonNull(time, "time is null");
        requireNonNull(decisionId, "decisionId is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(profile, "profile is null");
    }

    /** A credential handed out again from a cache was logged, and synced, when it was first issued. */
    @Override
    public boolean syncAtOnce() {
        return !(ISSUED.equals(outcome) && Boolean.TRUE.equals(cached));
    }

    @Override
    public String toJson() {
        JsonWriter json = JsonWriter.object()
                .field("type", "decision")
                .field("time", time.toString())
                .field("decision_id", decisionId)
                .field("outcome", outcome)
                .field("profile", profile)
                .field("mode", mode)
                .field("user", user)
                .field("principal_arn", principalArn)
                .field("effect", effect)
                .field("rule", rule)
                .field("rule_index", ruleIndex)
                .field("reason", reason)
                .field("code", code)
                .field("source_identity", sourceIdentity)
                .field("role_arn", roleArn)
                .field("expiration", expiration == null ? null : expiration.toString());
        if (cached != null) {
            json.field("cached", cached.booleanValue());
        }
        return json.field("policy_source", policySource)
                .field("policy_sha256", policySha256)
                .field("session", session)
                .field("grant", grant == null ? null : grant.kind().yamlName())
                .field("approval_request", grantId(Grant.Kind.APPROVAL))
                .field("break_glass_event", grantId(Grant.Kind.BREAK_GLASS))
                .close();
    }

    private String grantId(Grant.Kind kind) {
        return grant != null && grant.kind() == kind ? grant.reference().value() : null;
    }
}
