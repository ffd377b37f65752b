package io.datamesh.runtime.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A query that cannot be answered, with the HTTP status and the JSON body that says why: what
 * was wrong ({@code parameter}, {@code example}) or what exists instead ({@code available}).
 */
public final class QueryException extends RuntimeException {

    private final int status;
    private final Map<String, Object> body;
    private final Integer retryAfterSeconds;

    private QueryException(int status, String error, String message, Map<String, Object> details, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", error);
        b.put("message", message);
        b.putAll(details);
        this.body = Map.copyOf(b);
    }

    /** 400: a parameter is malformed or out of bounds. */
    public static QueryException badParameter(String parameter, String message, String example) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("parameter", parameter);
        if (example != null) {
            details.put("example", example);
        }
        return new QueryException(400, "bad_request", message, details, null);
    }

    /** 404: a domain, view or aggregate that does not exist; {@code available} names what does. */
    public static QueryException unknown(String what, String name, java.util.Collection<String> available) {
        return new QueryException(404, "not_found", "no " + what + " '" + name + "'; there are " + available,
                Map.of(what, name, "available", java.util.List.copyOf(available)), null);
    }

    /** 503 with Retry-After: the data is there but cannot be read truthfully right now. */
    public static QueryException unavailable(String message, int retryAfterSeconds) {
        return new QueryException(503, "unavailable", message, Map.of("retryAfterSeconds", retryAfterSeconds), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }

    /** Seconds for the Retry-After header, or null when there is none. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
