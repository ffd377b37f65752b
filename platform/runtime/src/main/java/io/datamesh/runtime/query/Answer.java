package io.datamesh.runtime.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer of the query API: status, headers (e.g. who served it) and a JSON body.
 *
 * @param status HTTP status
 * @param headers response headers, e.g. {@code Mesh-Served-By}
 * @param json the body, JSON text
 */
public record Answer(int status, Map<String, String> headers, String json) {

    public Answer {
        headers = Map.copyOf(headers);
    }

    /** This answer with one more header. */
    public Answer withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Answer(status, h, json);
    }
}
