package io.datamesh.collector;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Refuses a body in an encoding the collector cannot undo (anything but gzip or none) before Micronaut
 * reads it: 415 naming the encoding. Left to the route, such a body sometimes made Micronaut's request flow
 * grow without end until the heap was full (the collector stopped answering, one request was enough).
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "collector")
@ServerFilter("/collect")
public class EncodingCheck {

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String encoding = request.getHeaders().get("Content-Encoding");
        if (encoding == null || encoding.isBlank() || RequestBody.undoes(encoding)) {
            return null;
        }
        return CollectorController.error(new CollectorException(415, "Content-Encoding " + encoding + " is not accepted: send gzip, or no encoding"));
    }
}
