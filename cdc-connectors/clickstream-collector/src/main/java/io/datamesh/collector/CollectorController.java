package io.datamesh.collector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Inject;

/**
 * {@code POST /collect} (one event as a JSON object, or a batch as a JSON array; {@code application/json}
 * or {@code text/plain} as {@code navigator.sendBeacon} sends; gzip accepted), and {@code /health},
 * {@code /ready}, {@code /metrics}. Parses, applies the client's rate limit, hands the events to the
 * {@link CollectService} and maps its answer; every error is JSON that says what to do.
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "collector")
@Controller
public class CollectorController {

    private final CollectorConfig config;
    private final CollectService service;
    private final RateLimiter limiter;
    private final CollectorMetrics metrics;
    private final ClickWriter writer;
    private final PrometheusMeterRegistry registry;

    @Inject
    CollectorController(CollectorConfig config, CollectService service, RateLimiter limiter, CollectorMetrics metrics, ClickWriter writer,
                        PrometheusMeterRegistry registry) {
        this.config = config;
        this.service = service;
        this.limiter = limiter;
        this.metrics = metrics;
        this.writer = writer;
        this.registry = registry;
    }

    @Post(uri = "/collect", consumes = {MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN}, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public CompletableFuture<MutableHttpResponse<String>> collect(HttpRequest<?> request, @Body byte[] body) {
        long wait = limiter.acquire(client(request));
        if (wait > 0) {
            metrics.throttled();
            return CompletableFuture.completedFuture(error(new CollectorException(429, "more requests than this client's rate limit ("
                    + config.rateLimitPerSecond() + " per second, bursts of " + config.rateLimitBurst() + "): send again in " + wait
                    + " s, and batch events", wait)));
        }
        try {
            List<com.fasterxml.jackson.databind.JsonNode> events = RequestBody.events(body == null ? new byte[0] : body,
                    request.getHeaders().get("Content-Encoding"), config.maxRequestBytes(), config.maxBatchEvents());
            return service.collect(events)
                    .thenApply(answer -> json(HttpStatus.valueOf(answer.status()), answer.body()))
                    .exceptionally(e -> {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof CollectorException c) {
                            return error(c);
                        }
                        throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                    });
        } catch (CollectorException e) {
            return CompletableFuture.completedFuture(error(e));
        }
    }

    @Get("/health")
    @Produces(MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> health() {
        return json(HttpStatus.OK, Map.of("status", "UP"));
    }

    @Get("/ready")
    @Produces(MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> ready() {
        String down = writer.unavailable();
        if (down == null) {
            return json(HttpStatus.OK, Map.of("status", "READY"));
        }
        return json(HttpStatus.SERVICE_UNAVAILABLE, Map.of("status", "NOT_READY", "reasons", List.of(down)))
                .header("Retry-After", String.valueOf(config.retryAfter().toSeconds()));
    }

    @Get("/metrics")
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        return registry.scrape();
    }

    /** The client a rate limit counts: its API key if it sends one, else its address. */
    private String client(HttpRequest<?> request) {
        String key = request.getHeaders().get(config.apiKeyHeader());
        return key != null && !key.isBlank() ? "key:" + key : "address:" + request.getRemoteAddress().getAddress().getHostAddress();
    }

    static MutableHttpResponse<String> error(CollectorException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        if (e.retryAfterSeconds() > 0) {
            body.put("retry_after_seconds", e.retryAfterSeconds());
        }
        MutableHttpResponse<String> r = json(HttpStatus.valueOf(e.status()), body);
        return e.retryAfterSeconds() > 0 ? r.header("Retry-After", String.valueOf(e.retryAfterSeconds())) : r;
    }

    static MutableHttpResponse<String> json(HttpStatus status, Map<String, ?> body) {
        try {
            return HttpResponse.<String>status(status).body(RequestBody.JSON.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of texts and numbers cannot be written as JSON", e);
        }
    }
}
