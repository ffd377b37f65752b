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
    private static final Object UNMATCHED = new Object();
    private final PrometheusMeterRegistry registry;
    private final java.util.Map<Labels, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

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
        Object route = request.getAttribute(io.micronaut.http.HttpAttributes.ROUTE_MATCH, RouteMatch.class)
                .filter(UriRouteMatch.class::isInstance)
                .map(m -> (Object) ((UriRouteMatch<?, ?>) m).getRouteInfo())
                .orElse(UNMATCHED);
        // One timer per label set, looked up by the route's identity: building and registering a timer (tags,
        // the template as text, the registry's lookup) on every request cost more than the read it timed.
        timers.computeIfAbsent(new Labels(route, response.code(), servedBy == null ? "none" : servedBy, internal), this::timer)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Labels labels) {
        return Timer.builder("mesh.query.requests")
                .description("HTTP requests to a domain instance, by route template")
                .tag("route", labels.route() instanceof io.micronaut.web.router.UriRouteInfo<?, ?> info
                        ? info.getUriMatchTemplate().toString() : "unmatched")
                .tag("status", String.valueOf(labels.status()))
                .tag("served_by", labels.servedBy())
                .tag("caller", labels.internal() ? "instance" : "client")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** The labels of one timer; {@code route} is Micronaut's route (one object per route of the server) or {@link #UNMATCHED}. */
    private record Labels(Object route, int status, String servedBy, boolean internal) {
    }
}
