package io.datamesh.runtime.query;

import java.util.concurrent.CompletableFuture;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import jakarta.inject.Inject;

/**
 * The router's routes: the merged catalog, and everything under {@code /domains/{d}} passed on to that domain. A GET
 * under {@code /domains/{d}} normally never reaches these two routes: {@link RouterPassThrough} takes it first,
 * below Micronaut; they stay as the plain path it must agree with (and the one taken without it).
 */
@Requires(property = "mesh.service", value = "router")
@Controller
public class RouterController {

    private final QueryRouter router;

    @Inject
    public RouterController(QueryRouter router) {
        this.router = router;
    }

    @Get("/domains")
    public CompletableFuture<HttpResponse<String>> domains() {
        return router.catalog().thenApply(QueryController::toHttp);
    }

    @Get("/domains/{domain}")
    public CompletableFuture<HttpResponse<String>> domain(HttpRequest<?> request, @PathVariable String domain) {
        return pass(request, domain);
    }

    @Get("/domains/{domain}/{+rest}")
    public CompletableFuture<HttpResponse<String>> under(HttpRequest<?> request, @PathVariable String domain, @PathVariable String rest) {
        return pass(request, domain);
    }

    @Get("/openapi.yml")
    public HttpResponse<String> openApi() {
        return HttpResponse.ok(QueryController.OpenApi.document()).contentType(MediaType.of("application/yaml"));
    }

    @Get("/health")
    public HttpResponse<String> health() {
        return HttpResponse.ok("{\"status\":\"UP\",\"domains\":" + router.domains().keySet().stream()
                .map(d -> "\"" + d + "\"").toList() + "}").contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * Passes the request on and returns at once: the answer is written when the instance sends it, so the
     * event loop that took this request goes on serving others meanwhile (controllers run on it).
     */
    private CompletableFuture<HttpResponse<String>> pass(HttpRequest<?> request, String domain) {
        String raw = request.getUri().getRawPath();
        String query = request.getUri().getRawQuery();
        // The connections to the instances live on this request's event loop: the answer comes back on the thread that writes it.
        return router.forward(domain, raw + (query == null ? "" : "?" + query), QueryController.eventLoopOf(request)).thenApply(a -> {
            if (a.status() >= 400) {
                throw new QueryController.Refusal(a);
            }
            return QueryController.toHttp(a);
        });
    }
}
