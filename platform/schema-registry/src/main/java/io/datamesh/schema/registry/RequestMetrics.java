package io.datamesh.schema.registry;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Inject;

/** Times every request: {@code mesh.registry.requests{method, route, status}} with a latency histogram. */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "registry")
@ServerFilter("/**")
public class RequestMetrics {

    private static final String STARTED = "mesh.registry.started";
    private final PrometheusMeterRegistry registry;

    @Inject
    public RequestMetrics(PrometheusMeterRegistry registry) {
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
        String route = routeOf(request);
        Timer.builder("mesh.registry.requests")
                .description("HTTP requests to the schema registry")
                .tag("method", request.getMethodName())
                .tag("route", route)
                .tag("status", String.valueOf(response.code()))
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private static String routeOf(HttpRequest<?> request) {
        return request.getAttribute(io.micronaut.http.HttpAttributes.ROUTE_MATCH, RouteMatch.class)
                .filter(UriRouteMatch.class::isInstance)
                .map(m -> ((UriRouteMatch<?, ?>) m).getRouteInfo().getUriMatchTemplate().toString())
                .orElse("unmatched");
    }
}
