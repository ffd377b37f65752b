package io.datamesh.schema.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.http.HttpRequest;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error as Confluent's body {@code {"error_code": N, "message": "..."}}: the registry's own,
 * and Micronaut's (unknown route, wrong method or content type, body too large). Never a stack trace.
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "registry")
@Controller
public class RegistryErrors {

    private static final Logger log = LoggerFactory.getLogger(RegistryErrors.class);

    @Error(global = true, exception = RegistryException.class)
    public HttpResponse<String> registry(HttpRequest<?> request, RegistryException e) {
        return body(request, e.status(), e.errorCode(), e.getMessage());
    }

    @Error(global = true, status = HttpStatus.NOT_FOUND)
    public HttpResponse<String> notFound(HttpRequest<?> request) {
        return body(request, 404, 404, "HTTP 404 Not Found: no endpoint " + request.getMethod() + " " + request.getPath());
    }

    @Error(global = true, status = HttpStatus.METHOD_NOT_ALLOWED)
    public HttpResponse<String> methodNotAllowed(HttpRequest<?> request) {
        return body(request, 405, 405, "HTTP 405 Method Not Allowed: " + request.getMethod() + " " + request.getPath());
    }

    @Error(global = true, status = HttpStatus.UNSUPPORTED_MEDIA_TYPE)
    public HttpResponse<String> unsupportedMediaType(HttpRequest<?> request) {
        return body(request, 415, 415, "HTTP 415 Unsupported Media Type: send Content-Type application/vnd.schemaregistry.v1+json,"
                + " application/vnd.schemaregistry+json or application/json, not "
                + request.getContentType().map(MediaType::toString).orElse("none"));
    }

    @Error(global = true, status = HttpStatus.NOT_ACCEPTABLE)
    public HttpResponse<String> notAcceptable(HttpRequest<?> request) {
        return body(request, 406, 406, "HTTP 406 Not Acceptable: accept application/vnd.schemaregistry.v1+json or application/json");
    }

    @Error(global = true, exception = ContentLengthExceededException.class)
    public HttpResponse<String> tooLarge(HttpRequest<?> request, ContentLengthExceededException e) {
        return body(request, 413, 413, "HTTP 413 Payload Too Large: " + e.getMessage());
    }

    @Error(global = true, exception = UnsatisfiedRouteException.class)
    public HttpResponse<String> badRequest(HttpRequest<?> request, UnsatisfiedRouteException e) {
        return body(request, 422, 42201, "Invalid request: " + e.getMessage());
    }

    @Error(global = true, exception = Throwable.class)
    public HttpResponse<String> unexpected(HttpRequest<?> request, Throwable e) {
        if (e instanceof io.micronaut.http.exceptions.HttpStatusException s && s.getStatus().getCode() < 500) {
            return body(request, s.getStatus().getCode(), s.getStatus().getCode(), s.getMessage());
        }
        if (e instanceof io.micronaut.core.convert.exceptions.ConversionErrorException c) {
            return body(request, 422, 42201, "Invalid request: " + c.getMessage());
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getPath(), e);
        return body(request, 500, 50001, "Error in the backend data store: " + e.getClass().getSimpleName());
    }

    /** Confluent's error body, as JSON text in the content type the client accepts. */
    static MutableHttpResponse<String> body(HttpRequest<?> request, int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            json = "{\"error_code\":" + code + ",\"message\":\"unprintable error\"}";
        }
        return HttpResponse.<String>status(HttpStatus.valueOf(status)).body(json).contentType(contentType(request));
    }

    private static String contentType(HttpRequest<?> request) {
        String accept = request.getHeaders().get("Accept");
        if (accept != null && !accept.contains("schemaregistry") && accept.contains("application/json")) {
            return RegistryController.JSON;
        }
        if (accept != null && accept.contains("application/vnd.schemaregistry+json") && !accept.contains("v1+json")) {
            return RegistryController.V0;
        }
        return RegistryController.V1;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
