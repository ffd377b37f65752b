package io.datamesh.runtime.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import jakarta.inject.Inject;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API of a domain instance; {@code /openapi.yml} documents every route. Every answer is
 * JSON; every refusal is a 4xx (or a 503 with Retry-After) with a message that names the parameter
 * or lists what exists.
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "runtime")
@Controller
public class QueryController {

    private static final Logger log = LoggerFactory.getLogger(QueryController.class);
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final QueryService queries;

    @Inject
    public QueryController(QueryService queries) {
        this.queries = queries;
    }

    @Get("/domains")
    public HttpResponse<String> domains() {
        return respond(queries::domains);
    }

    @Get("/domains/{domain}")
    public HttpResponse<String> domain(@PathVariable String domain) {
        return respond(() -> queries.domain(domain));
    }

    @Get("/domains/{domain}/views/{view}/keys/{key}")
    public CompletableFuture<HttpResponse<String>> key(HttpRequest<?> request, @PathVariable String domain, @PathVariable String view,
                                                       @PathVariable String key, @Nullable @QueryValue String validAt,
                                                       @Nullable @QueryValue String knownAt) {
        return respondLater(() -> queries.keyAsync(domain, view, key, validAt, knownAt, scope(request), eventLoopOf(request)));
    }

    @Get("/domains/{domain}/views/{view}/keys/{key}/history")
    public CompletableFuture<HttpResponse<String>> history(HttpRequest<?> request, @PathVariable String domain, @PathVariable String view,
                                                           @PathVariable String key, @Nullable @QueryValue String order) {
        return respondLater(() -> queries.historyAsync(domain, view, key, order, scope(request), eventLoopOf(request)));
    }

    @Get("/domains/{domain}/views/{view}/keys")
    public HttpResponse<String> range(HttpRequest<?> request, @PathVariable String domain, @PathVariable String view,
                                      @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                      @Nullable @QueryValue String validAt, @Nullable @QueryValue String knownAt,
                                      @Nullable @QueryValue String limit, @Nullable @QueryValue String page) {
        return respond(() -> queries.range(domain, view, from, to, validAt, knownAt, limit, page, scope(request)));
    }

    @Get("/domains/{domain}/views/{view}/partitions/{partition}/versions")
    public HttpResponse<String> versions(HttpRequest<?> request, @PathVariable String domain, @PathVariable String view,
                                         @PathVariable String partition, @Nullable @QueryValue String after, @Nullable @QueryValue String limit) {
        return respond(() -> queries.versions(domain, view, partition, after, limit, scope(request)));
    }

    @Get("/domains/{domain}/aggregates/{aggregate}")
    public HttpResponse<String> aggregate(HttpRequest<?> request, @PathVariable String domain, @PathVariable String aggregate,
                                          @Nullable @QueryValue String group, @Nullable @QueryValue String from,
                                          @Nullable @QueryValue String to, @Nullable @QueryValue String knownAt) {
        return respond(() -> queries.aggregate(domain, aggregate, group, from, to, knownAt, scope(request)));
    }

    @Get("/openapi.yml")
    public HttpResponse<String> openApi() {
        return HttpResponse.ok(OpenApi.document()).contentType(MediaType.of("application/yaml"));
    }

    private static QueryService.Scope scope(HttpRequest<?> request) {
        return QueryService.Scope.of(name -> request.getHeaders().get(name));
    }

    /** An answer as a response; refusals and errors travel as exceptions to {@link QueryErrors}, which writes them as JSON. */
    private static HttpResponse<String> respond(Supplier<Answer> query) {
        Answer a;
        try {
            a = query.get();
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
        if (a.status() >= 400) {
            // Returned as is, a 404 would be replaced by the handler of unknown routes.
            throw new Refusal(a);
        }
        return toHttp(a);
    }

    /**
     * An answer that may come later (a key owned by another instance): the event loop that took the request
     * goes on serving meanwhile. Refusals travel as in {@link #respond}, inside the future or thrown at once.
     */
    private static CompletableFuture<HttpResponse<String>> respondLater(Supplier<CompletableFuture<Answer>> query) {
        CompletableFuture<Answer> later;
        try {
            later = query.get();
        } catch (InvalidStateStoreException e) {
            throw unreadable(e);
        }
        return later.handle((a, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof InvalidStateStoreException i) {
                    throw unreadable(i);
                }
                throw cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
            }
            if (a.status() >= 400) {
                throw new Refusal(a);
            }
            return toHttp(a);
        });
    }

    private static QueryException unreadable(InvalidStateStoreException e) {
        return QueryException.unavailable("a store cannot be read now (it is moving between instances): " + e.getMessage(), 1);
    }

    /** The event loop a request came in on, where the answers it waits for should complete; null outside Netty. */
    static io.netty.channel.EventLoop eventLoopOf(HttpRequest<?> request) {
        return request instanceof io.micronaut.http.server.netty.NettyHttpRequest<?> netty
                ? netty.getChannelHandlerContext().channel().eventLoop() : null;
    }

    /** A refusal (4xx, 5xx) that travels as an exception, so that Micronaut's status handlers leave its body alone. */
    static final class Refusal extends RuntimeException {

        final transient Answer answer;

        Refusal(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** An answer as an HTTP response. */
    public static MutableHttpResponse<String> toHttp(Answer a) {
        MutableHttpResponse<String> r = HttpResponse.<String>status(io.micronaut.http.HttpStatus.valueOf(a.status()))
                .body(a.json()).contentType(MediaType.APPLICATION_JSON_TYPE);
        a.headers().forEach(r::header);
        return r;
    }

    static String toJson(QueryException e) {
        try {
            return JSON.writeValueAsString(e.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            log.warn("Cannot write an error as JSON", x);
            return "{\"error\":\"" + e.body().get("error") + "\"}";
        }
    }

    /** The OpenAPI document, a resource of this package. */
    static final class OpenApi {

        private static volatile String document;

        private OpenApi() {
        }

        static String document() {
            if (document == null) {
                try (InputStream in = QueryController.class.getResourceAsStream("openapi.yml")) {
                    document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException | NullPointerException e) {
                    throw new IllegalStateException("openapi.yml is missing from the runtime jar", e);
                }
            }
            return document;
        }
    }
}
