package dev.sentinel.server;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.gate.AccessRequest;
import dev.sentinel.gate.Gate;
import dev.sentinel.gate.Outcome;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.policy.Mode;
import dev.sentinel.policy.ProfileName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The container-credentials protocol as both local endpoints answer it, whatever carries it (loopback
 * TCP or a Unix domain socket): only {@code GET /credentials}, only with the per-run token (compared in
 * constant time), and every request decided again by the gate in mode {@code server}. Replies never
 * carry internal error text beyond the gate's own message and decision id.
 */
final class CredentialRequests {
    static final String PATH = "/credentials";

    /** A status and a JSON body. */
    record Reply(int status, String json) {}

    private final Gate gate;
    private final ProfileName profile;
    private final RequestId session;
    private final String tokenVariable;
    private final String tokenText;
    private final byte[] token;

    /**
     * @param session the tracked server session every request belongs to, or null for none
     * @param tokenVariable the environment variable the child finds the token in, named in a 401 reply
     */
    CredentialRequests(Gate gate, ProfileName profile, RequestId session, String tokenVariable) {
        this.gate = requireNonNull(gate, "gate is null");
        this.profile = requireNonNull(profile, "profile is null");
        this.session = session;
        this.tokenVariable = requireNonNull(tokenVariable, "tokenVariable is null");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.tokenText = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
    }

    /** The per-run token: a secret for the child only. */
    String token() {
        return tokenText;
    }

    /** Answers one request; {@code path} is without the query, {@code authorization} null when absent. */
    Reply answer(String method, String path, String authorization) {
        if (!"GET".equals(method)) {
            return error(405, "METHOD_NOT_ALLOWED", "Only GET is served.");
        }
        if (!PATH.equals(path)) {
            return error(404, "NOT_FOUND", "Credentials are served at " + PATH + ".");
        }
        if (authorization == null || !MessageDigest.isEqual(token, authorization.getBytes(StandardCharsets.US_ASCII))) {
            return error(401, "UNAUTHORIZED", "A valid " + tokenVariable + " is required.");
        }
        Outcome outcome = gate.request(
                session == null
                        ? new AccessRequest(profile, Mode.SERVER, null)
                        : AccessRequest.inSession(profile, session));
        if (outcome instanceof Outcome.Issued issued) {
            return new Reply(200, body(issued.credentials().credentials()));
        }
        Outcome.Refused refused = (Outcome.Refused) outcome;
        return error(
                refused.code().category().httpStatus(),
                refused.code().name(),
                refused.message() + " (decision id " + refused.decisionId().value() + ")");
    }

    static String body(AwsCredentials credentials) {
        return JsonWriter.object()
                .field("AccessKeyId", credentials.accessKeyId())
                .field("SecretAccessKey", credentials.secretAccessKey())
                .field("Token", credentials.sessionToken())
                .field("Expiration", credentials.expiration().toString())
                .close();
    }

    static Reply error(int status, String code, String message) {
        return new Reply(
                status,
                JsonWriter.object()
                        .field("code", code)
                        .field("message", message)
                        .close());
    }
}
