package io.datamesh.schema.registry;

import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import jakarta.inject.Inject;

/** {@code /health} (the store answers) and {@code /metrics} (Prometheus text format). */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "registry")
@Controller
public class OperationsController {

    private final SchemaRegistryService service;
    private final PrometheusMeterRegistry metrics;

    @Inject
    public OperationsController(SchemaRegistryService service, PrometheusMeterRegistry metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @Get("/health")
    @Produces("application/json")
    public HttpResponse<Map<String, Object>> health() {
        try {
            service.globalConfig();
            return HttpResponse.ok(Map.of("status", "UP"));
        } catch (RegistryException e) {
            return HttpResponse.<Map<String, Object>>status(io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE)
                    .body(Map.of("status", "DOWN", "reason", e.getMessage()));
        }
    }

    @Get("/metrics")
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        return metrics.scrape();
    }
}
