package io.datamesh.runtime.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a query on to another instance of the domain (or a router on to a domain) and brings its
 * answer back as it is. A connection that fails or times out is an {@link IOException}: the
 * caller decides whether a standby can answer instead.
 */
public final class Forwarder {

    /** Headers of an instance's answer that travel back to the client. */
    static final List<String> PASSED_HEADERS = List.of(QueryService.SERVED_BY, QueryService.INSTANCE, QueryService.PARTITION,
            QueryService.STANDBY_LAG, "Retry-After");

    private final HttpClient client;
    private final Duration timeout;

    public Forwarder(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
    }

    /** GET {@code pathAndQuery} on {@code host} with {@code headers}. */
    public Answer get(HostInfo host, String pathAndQuery, Map<String, String> headers) throws IOException {
        return get("http://" + host.host() + ":" + host.port(), pathAndQuery, headers);
    }

    /** GET {@code pathAndQuery} on the server at {@code baseUrl} with {@code headers}. */
    public Answer get(String baseUrl, String pathAndQuery, Map<String, String> headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(timeout).GET();
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> passed = new LinkedHashMap<>();
            for (String name : PASSED_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> passed.put(name, v));
            }
            return new Answer(response.statusCode(), passed, response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + baseUrl, e);
        }
    }
}
