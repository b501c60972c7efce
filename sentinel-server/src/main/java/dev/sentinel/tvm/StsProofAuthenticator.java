package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.IdentityProof;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The standalone token vending machine's caller authentication (docs/tvm.md), as HashiCorp Vault's AWS IAM
 * login works: the caller sends a signed but unsent STS GetCallerIdentity request ({@link IdentityProof}),
 * the server checks that it is exactly that request, for this server, to the configured STS endpoint,
 * forwards it there and believes the ARN STS answers with.
 *
 * <p>Before anything is sent: the method is POST; the URL is the configured STS endpoint (scheme, host and
 * port), with no query; the body is exactly the GetCallerIdentity action; the SigV4 {@code Authorization}
 * is for the {@code sts} service and signs {@code host}, {@code x-amz-date} and
 * {@code x-sentinel-server-id}, whose value is this server's id; the signature is at most
 * {@link #MAX_AGE} old. The request is then sent to the configured endpoint (never to the URL the caller
 * wrote) with only the headers the signature covers. Any failure refuses with UNAUTHENTICATED.
 *
 * <p>Re-sending the identical signed request to STS within the proof's validity proves nothing new, so
 * each proof STS accepted is remembered, by a SHA-256 of the header that carries it, until it is
 * {@link #MAX_AGE} old. A repeat of exactly the same header is answered from memory without decoding or
 * checking it again: every check above depends only on the proof and this server's settings, except its
 * age, and the answer is kept only while the age check would pass. Any other header, even one for the
 * same signed request, is checked and sent to STS. Refusals and errors are never remembered. At most
 * {@link #MAX_VERIFIED} proofs are kept: when full, the expired ones are dropped, and if none had
 * expired, all of them.
 */
public final class StsProofAuthenticator implements CallerAuthenticator {
    /** How old a proof may be; STS itself accepts signatures up to 15 minutes from its clock. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** How many verified proofs are remembered at most. */
    public static final int MAX_VERIFIED = 10_000;

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/\\s,]+)/(\\d{8})/"
            + "([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    /** Headers the forwarding HTTP client sets itself, from the configured endpoint and the body. */
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");
    /** Headers the forwarding HTTP client refuses to send; a signature over them cannot be forwarded. */
    private static final Set<String> UNSENDABLE = Set.of("connection", "expect", "upgrade", "transfer-encoding");

    private final URI endpoint;
    private final String serverId;
    private final HttpClient http;
    private final Clock clock;
    private final TvmTimings timings;
    private final int maxVerified;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final Object remembering = new Object();

    /** The forwarded request of a proof that passed every check, and when the proof stops being accepted. */
    record Forward(HttpRequest request, Instant until) {}

    /** Who STS said a proof's signer is, and until when that answer may be reused. */
    private record Verified(CallerIdentity caller, Instant until) {}

    /**
     * @param endpoint the STS endpoint proofs must be signed for and are forwarded to
     * @param serverId this server's id; proofs must carry it in the signed {@code X-Sentinel-Server-ID}
     */
    public StsProofAuthenticator(URI endpoint, String serverId, HttpClient http, Clock clock) {
        this(endpoint, serverId, http, clock, null);
    }

    /** @param timings where the time spent waiting for STS is counted (load tests), or null */
    public StsProofAuthenticator(URI endpoint, String serverId, HttpClient http, Clock clock, TvmTimings timings) {
        this(endpoint, serverId, http, clock, timings, MAX_VERIFIED);
    }

    /** @param maxVerified how many verified proofs are remembered at most */
    StsProofAuthenticator(
            URI endpoint, String serverId, HttpClient http, Clock clock, TvmTimings timings, int maxVerified) {
        if (maxVerified < 1) {
            throw new IllegalArgumentException("maxVerified must be at least 1: " + maxVerified);
        }
        this.maxVerified = maxVerified;
        this.timings = timings;
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.serverId = requireNonNull(serverId, "serverId is null");
        this.http = requireNonNull(http, "http is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (!("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))
                || endpoint.getHost() == null
                || endpoint.getRawQuery() != null) {
            throw new IllegalArgumentException("the STS endpoint must be an http(s) URL without a query: " + endpoint);
        }
        if (serverId.isBlank()) {
            throw new IllegalArgumentException("the server id is empty");
        }
    }

    /** An HTTP client for forwarding: HTTP/1.1, no redirects, no proxy, short timeouts. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @Override
    public CallerIdentity authenticate(TvmRequest request) {
        String header = request.header(IdentityProof.HEADER)
                .orElseThrow(() -> refused(
                        "the request carries no " + IdentityProof.HEADER + " header",
                        "Call through 'sentinel exec --remote-server', which signs one."));
        String key = HexFormat.of().formatHex(Primitives.sha256().digest(header.getBytes(StandardCharsets.UTF_8)));
        Verified known = verified.get(key);
        if (known != null) {
            if (clock.instant().isBefore(known.until())) {
                return known.caller();
            }
            verified.remove(key, known);
        }
        Forward forward = check(IdentityProof.decode(header));
        CallerIdentity caller = ask(forward.request());
        remember(key, new Verified(caller, forward.until()));
        return caller;
    }

    /** How many verified proofs are remembered now. */
    int verifiedProofs() {
        return verified.size();
    }

    private CallerIdentity ask(HttpRequest forward) {
        HttpResponse<String> answer;
        long sent = System.nanoTime();
        try {
            answer = http.send(forward, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.AWS_UNREACHABLE,
                    "Cannot reach AWS STS at " + endpoint + " to check a caller: " + e.getMessage(),
                    "Check the server's network and its STS endpoint setting.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SentinelException(ErrorCode.AWS_UNREACHABLE, "Interrupted while asking AWS STS.", "", e);
        } finally {
            if (timings != null) {
                timings.addSts(System.nanoTime() - sent);
            }
        }
        if (answer.statusCode() == 400 || answer.statusCode() == 403) {
            throw refused(
                    "AWS STS rejected the signed request (HTTP " + answer.statusCode() + ")",
                    "Check that your local AWS credentials are valid and your clock is right.");
        }
        if (answer.statusCode() != 200) {
            throw new SentinelException(
                    ErrorCode.AWS_ERROR,
                    "AWS STS answered HTTP " + answer.statusCode() + " to GetCallerIdentity.",
                    "Retry; if it persists, check the AWS service health.");
        }
        String arn = arn(answer.body());
        try {
            return CallerIdentity.fromArn(arn);
        } catch (SentinelException e) {
            throw refused(
                    "no user can be derived from the caller's AWS identity",
                    "Call with the credentials of an IAM user, a role session or a federated user.");
        }
    }

    private void remember(String key, Verified answer) {
        synchronized (remembering) {
            if (verified.size() >= maxVerified) {
                Instant now = clock.instant();
                verified.values().removeIf(v -> !now.isBefore(v.until()));
                if (verified.size() >= maxVerified) {
                    verified.clear();
                }
            }
            verified.put(key, answer);
        }
    }

    /** Checks every rule on the proof and builds the request to forward; nothing is sent here. */
    Forward check(IdentityProof proof) {
        if (!proof.method().equals("POST")) {
            throw refused("the signed request must be a POST", null);
        }
        URI url;
        try {
            url = new URI(proof.url());
        } catch (java.net.URISyntaxException e) {
            throw refused("the signed request's URL is not a URL", null);
        }
        if (!sameEndpoint(url)) {
            throw refused(
                    "the signed request is not for the STS endpoint this server uses",
                    "Sign for the STS endpoint the server's operators name (AWS_ENDPOINT_URL_STS; unset, the global"
                            + " endpoint https://sts.amazonaws.com/).");
        }
        if (!proof.body().equals(IdentityProof.GET_CALLER_IDENTITY_BODY)) {
            throw refused("the signed request must be exactly STS GetCallerIdentity", null);
        }
        String authorization = proof.header("Authorization")
                .orElseThrow(() -> refused("the signed request has no Authorization header", null));
        Matcher sig = AUTHORIZATION.matcher(authorization);
        if (!sig.matches()) {
            throw refused("the signed request's Authorization is not an AWS SigV4 signature", null);
        }
        if (!sig.group(4).equals("sts")) {
            throw refused("the signed request is signed for '" + sig.group(4) + "', not for STS", null);
        }
        Set<String> signed = new HashSet<>(Arrays.asList(sig.group(5).split(";")));
        for (String required : List.of("host", "x-amz-date", "x-sentinel-server-id")) {
            if (!signed.contains(required)) {
                throw refused("the signature does not cover the " + required + " header", null);
            }
        }
        String presentedId = proof.header(IdentityProof.SERVER_ID_HEADER).orElse("");
        if (!presentedId.equals(serverId)) {
            throw refused(
                    "the proof is for server '" + presentedId + "', not for this one ('" + serverId + "')",
                    "Use the URL this server's id names (its host name).");
        }
        Instant signedAt = checkAge(
                proof.header("X-Amz-Date").orElseThrow(() -> refused("the signed request has no X-Amz-Date", null)));
        HttpRequest.Builder forward = HttpRequest.newBuilder(endpoint)
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(proof.body(), StandardCharsets.UTF_8))
                .header("Authorization", authorization);
        for (String name : signed) {
            if (SET_BY_CLIENT.contains(name)) {
                continue;
            }
            if (UNSENDABLE.contains(name) || !TOKEN.matcher(name).matches()) {
                throw refused("the signature covers a header that cannot be forwarded (" + name + ")", null);
            }
            String value =
                    proof.header(name).orElseThrow(() -> refused("the signed header " + name + " is missing", null));
            if (!value.chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t')) {
                throw refused("the signed header " + name + " holds control characters", null);
            }
            try {
                forward.header(name, value);
            } catch (IllegalArgumentException e) {
                throw refused("the signed header " + name + " cannot be forwarded", null);
            }
        }
        if (signed.contains("content-length")
                && !proof.header("Content-Length")
                        .orElse("")
                        .equals(Integer.toString(proof.body().getBytes(StandardCharsets.UTF_8).length))) {
            throw refused("the signed Content-Length does not match the body", null);
        }
        return new Forward(forward.build(), signedAt.plus(MAX_AGE));
    }

    private boolean sameEndpoint(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String expectedPath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        return url.getScheme() != null
                && url.getScheme().equalsIgnoreCase(endpoint.getScheme())
                && url.getHost() != null
                && url.getHost().equalsIgnoreCase(endpoint.getHost())
                && port(url) == port(endpoint)
                && url.getRawUserInfo() == null
                && url.getRawQuery() == null
                && url.getRawFragment() == null
                && normalized(path).equals(normalized(expectedPath));
    }

    private static String normalized(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private Instant checkAge(String amzDate) {
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw refused("the signed request's X-Amz-Date is not a date", null);
        }
        Duration age = Duration.between(signedAt, clock.instant()).abs();
        if (age.compareTo(MAX_AGE) > 0) {
            throw refused(
                    "the proof was signed " + age.toMinutes() + " minutes from this server's time (at most "
                            + MAX_AGE.toMinutes() + " allowed)",
                    "Check your computer's clock.");
        }
        return signedAt;
    }

    /** The {@code Arn} of a GetCallerIdentity response, read without DTDs or external entities. */
    static String arn(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            NodeList arns = factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .getElementsByTagName("Arn");
            if (arns.getLength() == 1) {
                return arns.item(0).getTextContent().trim();
            }
        } catch (ParserConfigurationException | SAXException | IOException e) {
            // falls through to the error below
        }
        throw new SentinelException(
                ErrorCode.AWS_ERROR,
                "AWS STS answered GetCallerIdentity with a document that names no single Arn.",
                "Check the server's STS endpoint setting.");
    }

    private static SentinelException refused(String why, String hint) {
        return new SentinelException(
                ErrorCode.UNAUTHENTICATED,
                "Your identity proof was not accepted: " + why + ".",
                hint == null ? "Call through 'sentinel exec --remote-server', which signs a valid proof." : hint);
    }
}
