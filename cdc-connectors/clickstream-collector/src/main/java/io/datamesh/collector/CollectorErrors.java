package io.datamesh.collector;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Micronaut's own errors (no route, wrong method or content type, body too large) as the collector's JSON. Never a stack trace. */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "collector")
@Controller
public class CollectorErrors {

    private static final Logger log = LoggerFactory.getLogger(CollectorErrors.class);

    private final CollectorConfig config;

    CollectorErrors(CollectorConfig config) {
        this.config = config;
    }

    @Error(global = true, exception = CollectorException.class)
    public HttpResponse<String> collector(CollectorException e) {
        return CollectorController.error(e);
    }

    @Error(global = true, status = HttpStatus.NOT_FOUND)
    public HttpResponse<String> notFound(HttpRequest<?> request) {
        return CollectorController.error(new CollectorException(404, "no endpoint " + request.getMethod() + " " + request.getPath()
                + ": events go to POST /collect; /health, /ready and /metrics answer GET"));
    }

    @Error(global = true, status = HttpStatus.METHOD_NOT_ALLOWED)
    public HttpResponse<String> methodNotAllowed(HttpRequest<?> request) {
        return CollectorController.error(new CollectorException(405, request.getMethod() + " is not allowed on " + request.getPath()
                + ": events go to POST /collect"));
    }

    @Error(global = true, status = HttpStatus.UNSUPPORTED_MEDIA_TYPE)
    public HttpResponse<String> unsupportedMediaType(HttpRequest<?> request) {
        String encoding = request.getHeaders().get("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("gzip") && !encoding.trim().equalsIgnoreCase("identity")) {
            return CollectorController.error(new CollectorException(415, "Content-Encoding " + encoding + " is not accepted: send gzip, or no encoding"));
        }
        return CollectorController.error(new CollectorException(415, "Content-Type " + request.getContentType().map(MediaType::toString)
                .orElse("(none)") + " is not accepted: send application/json, or text/plain with a JSON body (navigator.sendBeacon)"));
    }

    @Error(global = true, exception = ContentLengthExceededException.class)
    public HttpResponse<String> tooLarge(ContentLengthExceededException e) {
        return CollectorController.error(new CollectorException(413, "the body is larger than the limit of " + config.maxRequestBytes()
                + " bytes per request (and " + config.maxBatchEvents() + " events): send smaller batches"));
    }

    @Error(global = true, exception = Throwable.class)
    public HttpResponse<String> unexpected(HttpRequest<?> request, Throwable e) {
        if (e instanceof HttpStatusException s && s.getStatus().getCode() < 500) {
            return CollectorController.error(new CollectorException(s.getStatus().getCode(), s.getMessage()));
        }
        if (e instanceof io.micronaut.web.router.exceptions.UnsatisfiedRouteException
                || e instanceof io.micronaut.core.convert.exceptions.ConversionErrorException) {
            return CollectorController.error(new CollectorException(400, "the request cannot be read: " + e.getMessage()));
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getPath(), e);
        return CollectorController.error(new CollectorException(500, "the collector failed on this request ("
                + e.getClass().getSimpleName() + "); it is logged: send it again later"));
    }
}
