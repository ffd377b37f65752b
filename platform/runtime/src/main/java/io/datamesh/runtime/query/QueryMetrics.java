package io.datamesh.runtime.query;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Inject;

/**
 * Times every request of a domain instance: {@code mesh_query_requests_seconds{route, status, served_by}}
 * with a latency histogram per endpoint (the route template, never the raw path, so keys do not
 * become labels).
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "runtime")
@ServerFilter("/**")
public class QueryMetrics {

    private static final String STARTED = "mesh.query.started";
    private final PrometheusMeterRegistry registry;

    @Inject
    public QueryMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @RequestFilter
    public void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void stop(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Long started = request.getAttribute(STARTED, Long.class).orElse(null);
        if (started == null) {
            return;
        }
        String servedBy = response.getHeaders().get(QueryService.SERVED_BY);
        boolean internal = "local".equals(request.getHeaders().get(QueryService.SCOPE));
        Timer.builder("mesh.query.requests")
                .description("HTTP requests to a domain instance, by route template")
                .tag("route", request.getAttribute(io.micronaut.http.HttpAttributes.ROUTE_MATCH, RouteMatch.class)
                        .filter(UriRouteMatch.class::isInstance)
                        .map(m -> ((UriRouteMatch<?, ?>) m).getRouteInfo().getUriMatchTemplate().toString())
                        .orElse("unmatched"))
                .tag("status", String.valueOf(response.code()))
                .tag("served_by", servedBy == null ? "none" : servedBy)
                .tag("caller", internal ? "instance" : "client")
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
