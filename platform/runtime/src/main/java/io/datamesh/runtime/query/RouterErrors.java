package io.datamesh.runtime.query;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;

/** The router's refusals as JSON, like an instance's. */
@Requires(property = "mesh.service", value = "router")
@Controller
public class RouterErrors {

    private final QueryErrors errors = new QueryErrors();

    @Error(global = true, status = HttpStatus.NOT_FOUND)
    public HttpResponse<String> notFound(HttpRequest<?> request) {
        return errors.notFound(request);
    }

    @Error(global = true, status = HttpStatus.METHOD_NOT_ALLOWED)
    public HttpResponse<String> methodNotAllowed(HttpRequest<?> request) {
        return errors.methodNotAllowed(request);
    }

    @Error(global = true, status = HttpStatus.REQUEST_ENTITY_TOO_LARGE)
    public HttpResponse<String> tooLarge(HttpRequest<?> request) {
        return errors.tooLarge(request);
    }

    @Error(global = true, status = HttpStatus.BAD_REQUEST)
    public HttpResponse<String> undecodable(HttpRequest<?> request) {
        return errors.undecodable(request);
    }

    @Error(global = true, exception = Throwable.class)
    public HttpResponse<String> unexpected(HttpRequest<?> request, Throwable e) {
        return errors.unexpected(request, e);
    }
}
