package io.datamesh.collector;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Inject;

/** Times every request: {@code mesh.collector.requests{method, route, status}} with a latency histogram. */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "collector")
@ServerFilter("/**")
public class RequestMetrics {

    private static final String STARTED = "mesh.collector.started";
    private final CollectorMetrics metrics;

    @Inject
    RequestMetrics(CollectorMetrics metrics) {
        this.metrics = metrics;
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
        Timer.builder("mesh.collector.requests")
                .description("HTTP requests to the collector, by status")
                .tag("collector", metrics.collector())
                .tag("method", request.getMethodName())
                .tag("route", RouteAttributes.getRouteMatch(request)
                        .filter(UriRouteMatch.class::isInstance)
                        .map(m -> ((UriRouteMatch<?, ?>) m).getRouteInfo().getUriMatchTemplate().toString())
                        .orElse("unmatched"))
                .tag("status", String.valueOf(response.code()))
                .publishPercentileHistogram()
                .register(metrics.registry())
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
