package dev.sentinel.tvm;

import static java.util.Objects.requireNonNull;

import dev.sentinel.json.JsonWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the token vending machine answers, independent of the HTTP server that sends it: a status, headers
 * in a fixed order, and a JSON body (empty for none). The body may hold credentials, so {@code toString}
 * shows only the status.
 */
public final class TvmResponse {
    private final int status;
    private final Map<String, String> headers;
    private final String body;

    TvmResponse(int status, Map<String, String> extraHeaders, String body) {
        this.status = status;
        this.body = requireNonNull(body, "body is null");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("Cache-Control", "no-store");
        all.putAll(extraHeaders);
        this.headers = Collections.unmodifiableMap(all);
    }

    static TvmResponse json(int status, String body) {
        return new TvmResponse(status, Map.of(), body);
    }

    /** An error answer: {@code {"code","message"}} and nothing else. */
    static TvmResponse error(int status, String code, String message) {
        return json(
                status,
                JsonWriter.object()
                        .field("code", code)
                        .field("message", message)
                        .close());
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String body() {
        return body;
    }

    @Override
    public String toString() {
        return "TvmResponse[" + status + "]";
    }
}
