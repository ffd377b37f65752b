package io.datamesh.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamesh.schema.compat.CompatibilityLevel;
import io.datamesh.schema.compat.SchemaCompatibilityChecker;
import org.apache.avro.Schema;

/**
 * Speaks Confluent's Schema Registry REST API: works against ours, Confluent's, Apicurio's
 * ({@code /apis/ccompat/v7}) or Karapace by changing the base URL. Ids and schemas are cached
 * (they never change once given); thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** A client of the registry at {@code baseUrl}, e.g. {@code http://127.0.0.1:8081}. */
    public RestSchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(10));
    }

    public RestSchemaRegistryClient(String baseUrl, Duration timeout) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
        int id = answer.get("id").asInt();
        remember(subject, schema, id);
        return id;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + enc(subject), schemaBody(schema));
        int id = answer.get("id").asInt();
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = new Schema.Parser().parse(call("GET", "/schemas/ids/" + id, null).get("schema").asText());
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null));
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Asks the registry once per registered version, {@code POST /compatibility/subjects/{s}/versions/{n}?verbose=true},
     * after reading the subject's level. Not {@code /versions/latest} nor the versionless endpoint, because
     * registries give them different meanings: Confluent checks a named version ({@code latest} included)
     * alone, and checks {@code /versions} (since 7.0) against what the level calls for; Karapace has no
     * versionless endpoint and, at a _TRANSITIVE level, checks every version whichever is named; Apicurio's
     * ccompat API checks the named version only under a configured compatibility rule, otherwise BACKWARD
     * against the latest while reporting the level as NONE. One call per version names each version on all of
     * them (Karapace checks more, never less), and reading the level first refuses a registry that would
     * answer in another direction, or not check at all. The gate does not set the level: a check would write
     * to the registry, and could lower a stricter level somebody chose.
     *
     * <p>The verdict is the registry's. The reason is the platform checker's against that one version, so a
     * refusal reads the same from any registry; the registry's own messages are given when ours finds none.
     */
    @Override
    public List<String> incompatibilities(String subject, Schema schema) {
        List<Integer> versions;
        try {
            versions = versions(subject);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return List.of(); // a first version is always compatible
            }
            throw e;
        }
        if (versions.isEmpty()) {
            return List.of();
        }
        CompatibilityLevel level = CompatibilityLevel.parse(compatibility(subject));
        if (!level.backward()) {
            return List.of(levelRefusal(subject, level));
        }
        List<String> out = new ArrayList<>();
        for (int version : versions) {
            String path = "/compatibility/subjects/" + enc(subject) + "/versions/" + version + "?verbose=true";
            JsonNode answer = call("POST", path, schemaBody(schema));
            JsonNode compatible = answer.path("is_compatible");
            if (!compatible.isBoolean()) {
                throw new SchemaRegistryException(502, 50200, "schema registry at " + baseUrl + " answered POST " + path
                        + " without is_compatible: " + answer);
            }
            if (!compatible.asBoolean()) {
                out.addAll(reasons(subject, version, schema, level, answer.path("messages")));
            }
        }
        return out;
    }

    /** The gate's refusal of a subject whose level would not say whether the new schema reads old data. */
    static String levelRefusal(String subject, CompatibilityLevel level) {
        return "the registry holds subject " + subject + " at compatibility level " + level + ", which does not check that a new"
                + " schema reads the data written with earlier versions; set the subject's level to BACKWARD_TRANSITIVE"
                + " (PUT /config/" + subject + ")";
    }

    /** Field and rule of a break with one version, as the platform's checker reads it, else as the registry said it. */
    private List<String> reasons(String subject, int version, Schema schema, CompatibilityLevel level, JsonNode messages) {
        Schema old = version(subject, version).schema();
        List<String> ours = SchemaCompatibilityChecker.check(schema, List.of(old), level.nonTransitive()).stream()
                .map(v -> v.atVersion(version).message()).toList();
        if (!ours.isEmpty()) {
            return ours;
        }
        List<String> theirs = new ArrayList<>();
        messages.forEach(m -> theirs.add(m.asText()));
        return List.of("against version " + version + ": " + (theirs.isEmpty() ? "incompatible, the registry gave no reason"
                : String.join("; ", theirs)));
    }

    @Override
    public String compatibility(String subject) {
        try {
            return call("GET", "/config/" + enc(subject) + "?defaultToGlobal=true", null).get("compatibilityLevel").asText();
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return call("GET", "/config", null).get("compatibilityLevel").asText();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("PUT", "/config/" + enc(subject), body.toString());
    }

    private RegisteredSchema registered(JsonNode n) {
        Schema schema = new Schema.Parser().parse(n.get("schema").asText());
        return new RegisteredSchema(n.get("subject").asText(), n.get("version").asInt(), n.get("id").asInt(), schema);
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<String, Integer> m = idsBySubject.get(subject);
        return m == null ? null : m.get(schema.toString());
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema.toString(), id);
        schemasById.putIfAbsent(id, schema);
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException(503, 50300, "schema registry at " + baseUrl + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(503, 50300, "interrupted while calling the schema registry at " + baseUrl);
        }
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(response.statusCode(), response.statusCode() * 100,
                    "schema registry at " + baseUrl + " answered " + method + " " + path + " with non-JSON: " + response.body());
        }
        if (response.statusCode() >= 300) {
            throw new SchemaRegistryException(response.statusCode(), json.path("error_code").asInt(response.statusCode()),
                    json.path("message").asText(response.body()));
        }
        return json;
    }
}
