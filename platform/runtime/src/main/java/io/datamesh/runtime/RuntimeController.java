package io.datamesh.runtime;

import java.util.List;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import jakarta.inject.Inject;

/** {@code /health} (liveness), {@code /ready} (readiness with reasons) and {@code /metrics} (Prometheus). */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "runtime")
@Controller
public class RuntimeController {

    private final RuntimeStatus status;
    private final PrometheusMeterRegistry metrics;
    private final io.datamesh.sdk.dlq.DeadLetterCounts deadLetters;

    @Inject
    public RuntimeController(RuntimeStatus status, PrometheusMeterRegistry metrics, io.datamesh.sdk.dlq.DeadLetterCounts deadLetters) {
        this.status = status;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    @Get("/health")
    @Produces("application/json")
    public HttpResponse<Map<String, Object>> health() {
        Map<String, Object> body = new java.util.LinkedHashMap<>(status.describe());
        body.put("status", status.live() ? "UP" : "DOWN");
        return HttpResponse.status(status.live() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    @Get("/ready")
    @Produces("application/json")
    public HttpResponse<Map<String, Object>> ready() {
        List<String> reasons = status.notReady();
        Map<String, Object> body = new java.util.LinkedHashMap<>(status.describe());
        body.put("ready", reasons.isEmpty());
        body.put("reasons", reasons);
        return HttpResponse.status(reasons.isEmpty() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    @Get("/metrics")
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        RuntimeMetrics.refreshDeadLetters(metrics, status.domain(), deadLetters);
        return metrics.scrape();
    }
}
