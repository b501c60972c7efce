package dev.sentinel.tvm;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.gate.Gate;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.IdentityProver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonReader;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.ratelimit.InMemoryRateLimiter;
import dev.sentinel.ratelimit.RateLimiter;
import dev.sentinel.ratelimit.RequestRate;
import dev.sentinel.registry.ProfileRegistry;
import dev.sentinel.registry.ProfileRegistrySource;
import dev.sentinel.registry.RegisteredProfile;
import dev.sentinel.server.MemorySessionStore;
import dev.sentinel.testing.MutableClock;
import dev.sentinel.testing.RecordingAuditSink;
import dev.sentinel.testing.RecordingCredentialIssuer;
import dev.sentinel.testing.StaticPolicySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A token vending machine wired from test parts: the real gate, policy parser, rate limiter and registry,
 * with recorded issuing and logging. Callers are named by a test header instead of a signed proof (the
 * proofs have their own tests); the machine cannot tell the difference.
 */
final class TvmWorld {
    static final String CALLER_HEADER = "x-test-caller";
    static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    static final String BOB = "arn:aws:iam::123456789012:user/bob";
    static final String ROLE_PREFIX = "arn:aws:iam::123456789012:role/tvm-secret-";
    static final String POLICY =
            """
            version: "1"
            rules:
              - name: dev-open
                effect: allow
                conditions:
                  profiles: [dev-role]
                  users: [alice, bob]
              - name: prod-closed
                effect: deny
                conditions:
                  profiles: [prod-role]
                reason: production is closed today
              - name: admin-approval
                effect: require_approval
                conditions:
                  profiles: [admin-role]
              - name: tracked
                effect: require_server_session
                conditions:
                  profiles: [tracked-role]
                  users: [alice, bob]
            """;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final MemorySessionStore sessions = new MemorySessionStore();
    final RecordingAuditSink audit = new RecordingAuditSink();
    final List<String> diagnostics = Collections.synchronizedList(new ArrayList<>());
    final List<TvmRequest> authenticated = Collections.synchronizedList(new ArrayList<>());
    RecordingCredentialIssuer issuer = RecordingCredentialIssuer.issuing();
    PolicySource policy = StaticPolicySource.of(POLICY);
    ProfileRegistrySource registry = () -> new ProfileRegistry(
            "test-registry",
            List.of(
                    profile("dev-role"),
                    profile("prod-role"),
                    profile("admin-role"),
                    profile("tracked-role"),
                    profile("unmatched-role")));
    RateLimiter limiter = new InMemoryRateLimiter(new RequestRate(100, Duration.ofMinutes(1)));

    private static RegisteredProfile profile(String name) {
        return new RegisteredProfile(new ProfileName(name), ROLE_PREFIX + name, null);
    }

    /** When set, callers are named inside the identity proof a {@link TvmClient} sends, for this server id. */
    String proofServerId;

    CallerAuthenticator authenticator() {
        return request -> {
            authenticated.add(request);
            if (proofServerId != null) {
                IdentityProof proof = IdentityProof.decode(request.header(IdentityProof.HEADER)
                        .orElseThrow(() -> new SentinelException(ErrorCode.UNAUTHENTICATED, "No proof.", "")));
                if (!proof.header(IdentityProof.SERVER_ID_HEADER).orElse("").equals(proofServerId)) {
                    throw new SentinelException(ErrorCode.UNAUTHENTICATED, "Proof for another server.", "");
                }
                return CallerIdentity.fromArn(proof.header(CALLER_HEADER).orElseThrow());
            }
            return CallerIdentity.fromArn(request.header(CALLER_HEADER)
                    .orElseThrow(() -> new SentinelException(ErrorCode.UNAUTHENTICATED, "No proof.", "")));
        };
    }

    /** A prover whose proofs name {@code caller} where a signed request would carry a signature. */
    static IdentityProver prover(String caller) {
        return serverId -> new IdentityProof(
                "POST",
                "https://sts.amazonaws.com/",
                IdentityProof.GET_CALLER_IDENTITY_BODY,
                Map.of(IdentityProof.SERVER_ID_HEADER, serverId, CALLER_HEADER, caller));
    }

    TokenVendingMachine tvm() {
        Gate gate = new Gate(
                profile -> {
                    throw new AssertionError("the TVM always passes the caller it authenticated");
                },
                policy,
                issuer,
                audit,
                clock,
                RequestId::random,
                sessions);
        return new TokenVendingMachine(authenticator(), limiter, registry, gate, sessions, clock, diagnostics::add);
    }

    static TvmRequest request(String method, String path, String query, String caller, Map<String, String> headers) {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach((name, value) -> all.put(name, List.of(value)));
        if (caller != null) {
            all.put(CALLER_HEADER, List.of(caller));
        }
        return TvmRequest.of(method, path, query, all, null);
    }

    TvmResponse get(String path, String query, String caller) {
        return tvm().handle(request("GET", path, query, caller, Map.of()));
    }

    TvmResponse credentials(String profile, String caller) {
        return get("/credentials", "profile=" + profile, caller);
    }

    static Map<String, Object> json(TvmResponse response) {
        return JsonReader.parseObject(response.body());
    }
}
