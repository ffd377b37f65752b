package io.datamesh.runtime.query;

import java.util.List;
import java.util.Map;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Micronaut's own refusals (unknown route, wrong method, unreadable request) as the query API's JSON errors. */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "runtime")
@Controller
public class QueryErrors {

    private static final Logger log = LoggerFactory.getLogger(QueryErrors.class);

    static final List<String> ROUTES = List.of("/domains", "/domains/{domain}", "/domains/{domain}/views/{view}/keys/{key}",
            "/domains/{domain}/views/{view}/keys/{key}/history", "/domains/{domain}/views/{view}/keys",
            "/domains/{domain}/views/{view}/partitions/{partition}/versions", "/domains/{domain}/aggregates/{aggregate}", "/openapi.yml", "/health", "/ready", "/metrics");

    @Error(global = true, status = HttpStatus.NOT_FOUND)
    public HttpResponse<String> notFound(HttpRequest<?> request) {
        return json(404, Map.of("error", "not_found", "message", "no endpoint GET " + request.getPath() + "; see /openapi.yml",
                "available", ROUTES));
    }

    @Error(global = true, status = HttpStatus.METHOD_NOT_ALLOWED)
    public HttpResponse<String> methodNotAllowed(HttpRequest<?> request) {
        return json(405, Map.of("error", "method_not_allowed", "message", "the query API is read-only: use GET, not " + request.getMethodName()));
    }

    /** A request line or headers longer than the server reads (Micronaut answers that with 413 before any route). */
    @Error(global = true, status = HttpStatus.REQUEST_ENTITY_TOO_LARGE)
    public HttpResponse<String> tooLarge(HttpRequest<?> request) {
        return json(413, Map.of("error", "too_large", "message", "the request line is longer than " + QueryService.MAX_REQUEST_LINE_BYTES
                + " bytes, or its headers too long: keys, groups and key bounds are at most " + QueryService.MAX_KEY_LENGTH + " characters"));
    }

    /** A request the server cannot even decode (Micronaut answers that with 400 before any route). */
    @Error(global = true, status = HttpStatus.BAD_REQUEST)
    public HttpResponse<String> undecodable(HttpRequest<?> request) {
        return json(400, Map.of("error", "bad_request", "message", "the request cannot be read as HTTP; see /openapi.yml"));
    }

    @Error(global = true, exception = UnsatisfiedRouteException.class)
    public HttpResponse<String> unsatisfied(UnsatisfiedRouteException e) {
        return json(400, Map.of("error", "bad_request", "message", "invalid request: " + e.getMessage()));
    }

    @Error(global = true, exception = Throwable.class)
    public HttpResponse<String> unexpected(HttpRequest<?> request, Throwable thrown) {
        // An asynchronous route (the router's) fails with its refusal wrapped by the future that carried it.
        Throwable e = thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (e instanceof QueryController.Refusal r) {
            return QueryController.toHttp(r.answer);
        }
        if (e instanceof QueryException q) {
            return QueryController.toHttp(new Answer(q.status(), q.retryAfterSeconds() == null ? Map.of()
                    : Map.of("Retry-After", String.valueOf(q.retryAfterSeconds())), QueryController.toJson(q)));
        }
        if (e instanceof io.micronaut.http.exceptions.HttpStatusException s && s.getStatus().getCode() < 500) {
            return json(s.getStatus().getCode(), Map.of("error", "bad_request", "message", String.valueOf(s.getMessage())));
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof io.netty.handler.codec.TooLongFrameException) {
                return tooLarge(request); // a request line or headers longer than the server reads
            }
            if (c instanceof io.netty.handler.codec.DecoderException) {
                return undecodable(request);
            }
            if (c instanceof java.net.URISyntaxException u) {
                // e.g. GET // — a path the server cannot even parse
                return json(400, Map.of("error", "bad_request", "message", "malformed request path: " + u.getMessage()));
            }
        }
        if (e instanceof io.micronaut.core.convert.exceptions.ConversionErrorException
                || e instanceof IllegalArgumentException) {
            return json(400, Map.of("error", "bad_request", "message", "invalid request: " + e.getMessage()));
        }
        log.error("Unexpected error on {} {}", request.getMethodName(), request.getPath(), e);
        return json(500, Map.of("error", "internal", "message", "the query failed on this instance: " + e.getClass().getSimpleName()
                + "; the logs of the instance say more"));
    }

    private static HttpResponse<String> json(int status, Map<String, Object> body) {
        try {
            return HttpResponse.<String>status(HttpStatus.valueOf(status))
                    .body(QueryController.JSON.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            return HttpResponse.<String>status(HttpStatus.valueOf(status)).body("{\"error\":\"unprintable\"}");
        }
    }
}
