package io.datamesh.schema.registry;

import java.util.List;
import java.util.Map;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import jakarta.inject.Inject;

/**
 * Confluent's Schema Registry REST API. Thin: every answer comes from {@link SchemaRegistryService};
 * errors are {@link RegistryException}s that {@link RegistryErrors} turns into Confluent's bodies.
 */
// Several Micronaut services may share a JVM (make run): each only takes its own routes.
@Requires(property = "mesh.service", value = "registry")
@Controller
@Produces({RegistryController.V1, RegistryController.V0, RegistryController.JSON})
@Consumes({RegistryController.V1, RegistryController.V0, RegistryController.JSON, "application/octet-stream"})
public class RegistryController {

    static final String V1 = "application/vnd.schemaregistry.v1+json";
    static final String V0 = "application/vnd.schemaregistry+json";
    static final String JSON = "application/json";

    private final SchemaRegistryService service;

    @Inject
    public RegistryController(SchemaRegistryService service) {
        this.service = service;
    }

    @Get
    public Map<String, Object> root() {
        return Map.of();
    }

    @Get("/schemas/types")
    public List<String> types() {
        return service.schemaTypes();
    }

    @Get("/schemas/ids/{id}")
    public Map<String, Object> schemaById(@PathVariable String id) {
        return service.schemaById(id);
    }

    @Get("/schemas/ids/{id}/schema")
    public HttpResponse<String> rawSchemaById(@PathVariable String id) {
        return HttpResponse.ok(service.rawSchemaById(id));
    }

    @Get("/schemas/ids/{id}/versions")
    public List<Map<String, Object>> versionsOfId(@PathVariable String id) {
        return service.versionsOfId(id);
    }

    @Get("/schemas/ids/{id}/subjects")
    public List<String> subjectsOfId(@PathVariable String id) {
        return service.subjectsOfId(id);
    }

    @Get("/subjects")
    public List<String> subjects(@QueryValue(defaultValue = "false") boolean deleted) {
        return service.subjects(deleted);
    }

    @Get("/subjects/{subject}/versions")
    public List<Integer> versions(@PathVariable String subject, @QueryValue(defaultValue = "false") boolean deleted) {
        return service.versions(subject, deleted);
    }

    @Get("/subjects/{subject}/versions/{version}")
    public Map<String, Object> version(@PathVariable String subject, @PathVariable String version,
                                       @QueryValue(defaultValue = "false") boolean deleted) {
        return service.version(subject, version, deleted);
    }

    @Get("/subjects/{subject}/versions/{version}/schema")
    public HttpResponse<String> rawVersionSchema(@PathVariable String subject, @PathVariable String version,
                                                 @QueryValue(defaultValue = "false") boolean deleted) {
        return HttpResponse.ok(service.rawVersionSchema(subject, version, deleted));
    }

    @Post("/subjects/{subject}/versions")
    public Map<String, Object> register(@PathVariable String subject, @Body String body) {
        return service.register(subject, body);
    }

    @Post("/subjects/{subject}")
    public Map<String, Object> lookup(@PathVariable String subject, @Body String body, @QueryValue(defaultValue = "false") boolean deleted) {
        return service.lookup(subject, body, deleted);
    }

    @Delete("/subjects/{subject}")
    public List<Integer> deleteSubject(@PathVariable String subject, @QueryValue(defaultValue = "false") boolean permanent) {
        return service.deleteSubject(subject, permanent);
    }

    @Delete("/subjects/{subject}/versions/{version}")
    public HttpResponse<String> deleteVersion(@PathVariable String subject, @PathVariable String version,
                                              @QueryValue(defaultValue = "false") boolean permanent) {
        return HttpResponse.ok(String.valueOf(service.deleteVersion(subject, version, permanent)));
    }

    @Post("/compatibility/subjects/{subject}/versions/{version}")
    public Map<String, Object> compatibility(@PathVariable String subject, @PathVariable String version, @Body String body,
                                             @QueryValue(defaultValue = "false") boolean verbose) {
        return service.compatibility(subject, version, body, verbose);
    }

    @Post("/compatibility/subjects/{subject}/versions")
    public Map<String, Object> compatibilityAll(@PathVariable String subject, @Body String body,
                                                @QueryValue(defaultValue = "false") boolean verbose) {
        return service.compatibility(subject, null, body, verbose);
    }

    @Get("/config")
    public Map<String, Object> globalConfig() {
        return service.globalConfig();
    }

    @Put("/config")
    public Map<String, Object> setGlobalConfig(@Body String body) {
        return service.setConfig(null, body);
    }

    @Get("/config/{subject}")
    public Map<String, Object> subjectConfig(@PathVariable String subject, @QueryValue(defaultValue = "false") boolean defaultToGlobal) {
        return service.subjectConfig(subject, defaultToGlobal);
    }

    @Put("/config/{subject}")
    public Map<String, Object> setSubjectConfig(@PathVariable String subject, @Body String body) {
        return service.setConfig(subject, body);
    }

    @Delete("/config/{subject}")
    public Map<String, Object> deleteSubjectConfig(@PathVariable String subject) {
        return service.deleteSubjectConfig(subject);
    }
}
