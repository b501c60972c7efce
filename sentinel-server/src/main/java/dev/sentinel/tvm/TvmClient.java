package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.IdentityProver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.json.JsonReader;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Calls a token vending machine for {@code sentinel exec --remote-server}. Every call is authenticated:
 * for the standalone server with an {@link IdentityProof} for the server, whose id is the host name of
 * its URL, so the proof can only be used at the server the user named; for the Lambda function with a
 * SigV4 signature of the request itself. Plain {@code http} is refused except to loopback.
 *
 * <p>A proof is signed at most once per {@link #PROOF_REUSE} and sent again until then: SDKs in the
 * child may refresh on every API call, and the server asks STS only for proofs it has not seen. A proof
 * is a bearer token at the server for longer than that anyway ({@link StsProofAuthenticator#MAX_AGE}).
 * When the server answers 401 to a proof sent before, the client signs a new one and tries once more.
 */
public final class TvmClient {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** How long one identity proof is sent again before a new one is signed. */
    public static final Duration PROOF_REUSE = Duration.ofMinutes(1);

    /** Adds the headers that prove who is calling to one request. */
    @FunctionalInterface
    public interface Authentication {
        /** The headers to add to a request with an empty body to {@code url}. */
        Map<String, String> headers(String method, URI url);

        /**
         * The server refused the headers as unauthenticated. Returns whether the next {@link #headers}
         * may prove it differently (a kept proof was dropped), so that trying again makes sense.
         */
        default boolean refused() {
            return false;
        }
    }

    private final URI base;
    private final Authentication authentication;
    private final HttpClient http;

    /** A client of the standalone server, whose calls carry identity proofs signed by {@code prover}. */
    public TvmClient(URI base, IdentityProver prover, HttpClient http) {
        this(base, prover, Clock.systemUTC(), http);
    }

    /** As above, with the clock that decides when a proof is signed again. */
    public TvmClient(URI base, IdentityProver prover, Clock clock, HttpClient http) {
        this(base, new RecentProof(base, requireNonNull(prover, "prover is null"), clock), http);
    }

    /** A client whose calls carry the headers {@code authentication} gives them. */
    public TvmClient(URI base, Authentication authentication, HttpClient http) {
        this.base = checked(requireNonNull(base, "base is null"));
        this.authentication = requireNonNull(authentication, "authentication is null");
        this.http = requireNonNull(http, "http is null");
    }

    /** The last proof signed, sent again while it is younger than {@link #PROOF_REUSE}. */
    private static final class RecentProof implements Authentication {
        private final IdentityProver prover;
        private final String serverId;
        private final Clock clock;
        private String proof;
        private Instant signedAt;

        RecentProof(URI base, IdentityProver prover, Clock clock) {
            this.prover = prover;
            this.serverId = base.getHost() == null ? "" : serverId(base);
            this.clock = requireNonNull(clock, "clock is null");
        }

        @Override
        public synchronized Map<String, String> headers(String method, URI url) {
            Instant now = clock.instant();
            if (proof == null || now.isBefore(signedAt) || !now.isBefore(signedAt.plus(PROOF_REUSE))) {
                proof = prover.prove(serverId).encode();
                signedAt = now;
            }
            return Map.of(IdentityProof.HEADER, proof);
        }

        @Override
        public synchronized boolean refused() {
            boolean kept = proof != null;
            proof = null;
            return kept;
        }
    }

    /** The id a server at {@code url} must be configured with: the URL's host name, in lower case. */
    public static String serverId(URI url) {
        return url.getHost().toLowerCase(Locale.ROOT);
    }

    /** An HTTP client for the server: HTTP/1.1, no redirects (a proof is never sent on to another host). */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static URI checked(URI url) {
        if (url.getHost() == null
                || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
                || url.getRawQuery() != null
                || url.getRawUserInfo() != null) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + url + "' is not a server URL.",
                    "Give the server's base URL, for example https://tvm.example.com.");
        }
        if ("http".equals(url.getScheme()) && !loopback(url.getHost())) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "Credentials are never fetched over plain http from another machine (" + url + ").",
                    "Use the server's https URL.");
        }
        return url;
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return literal.matches("[0-9.]+|[0-9a-fA-F:]+")
                    && InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An answer passed through to the child as it came: status, JSON body, and Retry-After if any. */
    public record Answer(int status, String body, Optional<String> retryAfter) {
        public Answer {
            requireNonNull(body, "body is null");
            requireNonNull(retryAfter, "retryAfter is null");
        }

        @Override
        public String toString() {
            return "Answer[" + status + "]";
        }
    }

    /**
     * Asks for credentials for {@code profile} within {@code session} (null for none).
     *
     * @throws SentinelException REMOTE_SERVER_UNREACHABLE when the server cannot be reached
     */
    public Answer credentials(ProfileName profile, RequestId session) {
        HttpResponse<String> response = exchange(
                "GET",
                "/credentials?profile=" + encode(profile.value()),
                session == null ? Map.of() : Map.of(TokenVendingMachine.SESSION_HEADER, session.value()));
        return new Answer(
                response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
    }

    /**
     * Opens a tracked session for {@code profile}.
     *
     * @throws SentinelException with the server's error code when it refuses
     */
    public RequestId openSession(ProfileName profile) {
        HttpResponse<String> response = exchange("POST", "/sessions?profile=" + encode(profile.value()), Map.of());
        Map<String, Object> body = body(response);
        if (response.statusCode() != 201) {
            throw refusal(response, body);
        }
        if (!(body.get("session") instanceof String id) || !RequestId.isValid(id)) {
            throw garbled(response);
        }
        return new RequestId(id);
    }

    /** Ends {@code session} on the server. */
    public void endSession(RequestId session) {
        HttpResponse<String> response = exchange("DELETE", "/sessions/" + session.value(), Map.of());
        if (response.statusCode() != 200) {
            throw refusal(response, body(response));
        }
    }

    /** Sends one request, and once more with new proof when the server refused a kept one (401). */
    private HttpResponse<String> exchange(String method, String pathAndQuery, Map<String, String> headers) {
        HttpResponse<String> response = send(request(method, pathAndQuery, headers));
        if (response.statusCode() == 401 && authentication.refused()) {
            response = send(request(method, pathAndQuery, headers));
        }
        return response;
    }

    private HttpRequest request(String method, String pathAndQuery, Map<String, String> headers) {
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/json");
        headers.forEach(request::header);
        authentication.headers(method, uri).forEach(request::header);
        return request.build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.REMOTE_SERVER_UNREACHABLE,
                    "Cannot reach the credential server at " + base + ": " + e,
                    "Check the URL and your network; the server may be down.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SentinelException(
                    ErrorCode.REMOTE_SERVER_UNREACHABLE, "Interrupted while calling " + base + ".", "", e);
        }
    }

    private Map<String, Object> body(HttpResponse<String> response) {
        try {
            return JsonReader.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            throw garbled(response);
        }
    }

    private SentinelException refusal(HttpResponse<String> response, Map<String, Object> body) {
        if (!(body.get("code") instanceof String code) || !(body.get("message") instanceof String message)) {
            throw garbled(response);
        }
        ErrorCode known = ErrorCode.AWS_ERROR;
        for (ErrorCode candidate : ErrorCode.values()) {
            if (candidate.name().equals(code)) {
                known = candidate;
            }
        }
        return new SentinelException(
                known,
                "The credential server at " + base + " refused (" + code + "): " + message,
                "Ask the server's operators, quoting the decision id, if the refusal is unexpected.");
    }

    private SentinelException garbled(HttpResponse<String> response) {
        return new SentinelException(
                ErrorCode.REMOTE_SERVER_UNREACHABLE,
                "The server at " + base + " answered HTTP " + response.statusCode()
                        + " without a Sentinel response; is it a Sentinel credential server?",
                "Check the --remote-server URL.");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TvmClient[" + base + "]";
    }
}
