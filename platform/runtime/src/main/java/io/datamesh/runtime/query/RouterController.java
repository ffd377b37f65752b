package io.datamesh.runtime.query;

import java.io.IOException;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import jakarta.inject.Inject;

/** The router's routes: the merged catalog, and everything under {@code /domains/{d}} passed on to that domain. */
@Requires(property = "mesh.service", value = "router")
@Controller
public class RouterController {

    private final QueryRouter router;

    @Inject
    public RouterController(QueryRouter router) {
        this.router = router;
    }

    @Get("/domains")
    public HttpResponse<String> domains() {
        return QueryController.toHttp(router.catalog());
    }

    @Get("/domains/{domain}")
    public HttpResponse<String> domain(HttpRequest<?> request, @PathVariable String domain) throws IOException {
        return pass(request, domain);
    }

    @Get("/domains/{domain}/{+rest}")
    public HttpResponse<String> under(HttpRequest<?> request, @PathVariable String domain, @PathVariable String rest) throws IOException {
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

    private HttpResponse<String> pass(HttpRequest<?> request, String domain) throws IOException {
        String raw = request.getUri().getRawPath();
        String query = request.getUri().getRawQuery();
        Answer a = router.forward(domain, raw + (query == null ? "" : "?" + query));
        if (a.status() >= 400) {
            throw new QueryController.Refusal(a);
        }
        return QueryController.toHttp(a);
    }
}
