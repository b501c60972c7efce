package dev.sentinel.identity;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonReader;
import dev.sentinel.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A caller's proof of who they are to a standalone token vending machine (docs/tvm.md): an STS
 * {@code GetCallerIdentity} request signed (SigV4) with the caller's own credentials but not sent. The
 * server forwards it to STS and believes the ARN STS answers with, as HashiCorp Vault's AWS IAM login does.
 * The signed headers include {@link #SERVER_ID_HEADER}, so a proof made for one server is useless at another.
 *
 * <p>On the wire it is the value of the {@link #HEADER} header: base64url (no padding) of the JSON object
 * {@code {"method","url","body","headers":{name: value}}}. A proof lets anyone holding it act as the
 * caller until the signature expires, so this is a final class with a redacted {@code toString}, not a
 * record.
 */
public final class IdentityProof {
    /** The request header that carries an encoded proof. */
    public static final String HEADER = "X-Sentinel-Identity";
    /** The signed header naming the server the proof is meant for. */
    public static final String SERVER_ID_HEADER = "X-Sentinel-Server-ID";
    /** The one request body a proof may carry. */
    public static final String GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    /** Far more than a signed request with the longest session token needs. */
    public static final int MAX_ENCODED_LENGTH = 16 * 1024;

    private static final Set<String> FIELDS = Set.of("method", "url", "body", "headers");

    private final String method;
    private final String url;
    private final String body;
    private final Map<String, String> headers;

    /** @param headers the request's headers in order; names are unique ignoring case */
    public IdentityProof(String method, String url, String body, Map<String, String> headers) {
        this.method = requireNonNull(method, "method is null");
        this.url = requireNonNull(url, "url is null");
        this.body = requireNonNull(body, "body is null");
        Map<String, String> copy = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        requireNonNull(headers, "headers is null").forEach((name, value) -> {
            requireNonNull(name, "header name is null");
            requireNonNull(value, "header value is null");
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " appears twice");
            }
            copy.put(name, value);
        });
        this.headers = Collections.unmodifiableMap(copy);
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    public String body() {
        return body;
    }

    /** Every header in order, as the client sent them. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The value of header {@code name}, ignoring case. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    /** The value for the {@link #HEADER} header. */
    public String encode() {
        JsonWriter names = JsonWriter.object();
        headers.forEach(names::field);
        String json = JsonWriter.object()
                .field("method", method)
                .field("url", url)
                .field("body", body)
                .rawField("headers", names.close())
                .close();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the value of a {@link #HEADER} header.
     *
     * @throws SentinelException UNAUTHENTICATED when it is not a well-formed proof
     */
    public static IdentityProof decode(String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.length() > MAX_ENCODED_LENGTH) {
            throw malformed("it is empty or longer than " + MAX_ENCODED_LENGTH + " characters");
        }
        Map<String, Object> doc;
        try {
            doc = JsonReader.parseObject(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw malformed("it is not base64url-encoded JSON");
        }
        if (!doc.keySet().equals(FIELDS)) {
            throw malformed("it must have exactly the fields " + FIELDS);
        }
        if (!(doc.get("method") instanceof String m)
                || !(doc.get("url") instanceof String u)
                || !(doc.get("body") instanceof String b)
                || !(doc.get("headers") instanceof Map<?, ?> h)) {
            throw malformed("method, url and body must be strings and headers an object");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<?, ?> header : h.entrySet()) {
            if (!(header.getValue() instanceof String value)) {
                throw malformed("every header value must be a string");
            }
            headers.put((String) header.getKey(), value);
        }
        try {
            return new IdentityProof(m, u, b, headers);
        } catch (IllegalArgumentException e) {
            throw malformed("a header appears twice");
        }
    }

    private static SentinelException malformed(String why) {
        return new SentinelException(
                ErrorCode.UNAUTHENTICATED,
                "The " + HEADER + " header is not a well-formed identity proof: " + why + ".",
                "Use 'sentinel exec --remote-server', which signs the proof (docs/tvm.md describes the format).");
    }

    @Override
    public String toString() {
        return "IdentityProof[" + method + " " + url + ", headers=" + headers.keySet() + ", signature=<redacted>]";
    }
}
