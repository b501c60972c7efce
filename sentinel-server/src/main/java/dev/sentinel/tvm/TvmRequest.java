package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request to the token vending machine, independent of the HTTP server that received it. Header
 * names are lower case. {@code gatewayPrincipalArn} is the caller API Gateway's IAM authorization
 * verified (the Lambda front end), and null everywhere else. Its headers may hold an identity proof, so
 * {@code toString} shows only the method and path.
 */
public final class TvmRequest {
    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final String gatewayPrincipalArn;

    private TvmRequest(
            String method,
            String path,
            Map<String, List<String>> query,
            Map<String, List<String>> headers,
            String gatewayPrincipalArn) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.gatewayPrincipalArn = gatewayPrincipalArn;
    }

    /**
     * @param rawQuery the query string as received (percent-encoded), or null
     * @param headers every header and its values, names in any case
     * @throws SentinelException USAGE when the query string is not valid percent-encoding
     */
    public static TvmRequest of(
            String method,
            String path,
            String rawQuery,
            Map<String, List<String>> headers,
            String gatewayPrincipalArn) {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        Map<String, List<String>> lowered = new LinkedHashMap<>();
        requireNonNull(headers, "headers is null").forEach((name, values) -> lowered.computeIfAbsent(
                        name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
        return new TvmRequest(
                method.toUpperCase(Locale.ROOT),
                path,
                parseQuery(rawQuery),
                Collections.unmodifiableMap(lowered),
                gatewayPrincipalArn);
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new SentinelException(
                        ErrorCode.USAGE,
                        "The query string is not valid percent-encoding.",
                        "Encode it with %XX escapes.");
            }
        }
        return query;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String gatewayPrincipalArn() {
        return gatewayPrincipalArn;
    }

    /**
     * The query parameter {@code name}, if present.
     *
     * @throws SentinelException USAGE when it is given more than once
     */
    public Optional<String> query(String name) {
        return single(query.get(name), "query parameter '" + name + "'");
    }

    /**
     * The header {@code name} (any case), if present.
     *
     * @throws SentinelException USAGE when it is given more than once
     */
    public Optional<String> header(String name) {
        return single(headers.get(name.toLowerCase(Locale.ROOT)), "header " + name);
    }

    private static Optional<String> single(List<String> values, String what) {
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new SentinelException(ErrorCode.USAGE, "The " + what + " is given more than once.", "Send it once.");
        }
        return Optional.of(values.get(0));
    }

    @Override
    public String toString() {
        return "TvmRequest[" + method + " " + path + "]";
    }
}
