package io.datamesh.schema.registry;

import static io.datamesh.schema.registry.Http.record;
import static io.datamesh.schema.registry.Http.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Confluent's REST API against the real registry on a real broker: status and error codes exact. */
class RegistryApiTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static final String V1 = record("Pizza", "{\"name\":\"id\",\"type\":\"string\"}");
    static final String V2 = record("Pizza", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"size\",\"type\":\"string\",\"default\":\"M\"}");

    static SchemaRegistryServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                RegistryConfig.PORT, 0, RegistryConfig.MAX_REQUEST_BYTES, 64 * 1024)));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void registeringGivesOneGlobalIdPerSchemaAndVersionsPerSubject() {
        Http.Answer first = http.post("/subjects/reg-a-value/versions", schemaBody(V1));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).startsWith(Http.V1);
        int id = first.json().get("id").asInt();

        assertThat(http.post("/subjects/reg-a-value/versions", schemaBody(V1)).json().get("id").asInt()).as("same schema again").isEqualTo(id);
        assertThat(http.post("/subjects/reg-b-value/versions", schemaBody(V1)).json().get("id").asInt()).as("another subject").isEqualTo(id);
        int id2 = http.post("/subjects/reg-a-value/versions", schemaBody(V2)).json().get("id").asInt();
        assertThat(id2).isNotEqualTo(id);

        assertThat(http.get("/subjects/reg-a-value/versions").json().toString()).isEqualTo("[1,2]");
        assertThat(http.get("/subjects/reg-a-value/versions/1").json().toString())
                .isEqualTo("{\"subject\":\"reg-a-value\",\"version\":1,\"id\":" + id + ",\"schema\":" + quoted(V1) + "}");
        assertThat(http.get("/subjects/reg-a-value/versions/latest").json().get("version").asInt()).isEqualTo(2);
        assertThat(http.get("/subjects/reg-a-value/versions/-1").json().get("id").asInt()).isEqualTo(id2);
        assertThat(http.get("/subjects/reg-a-value/versions/2/schema").json().get("fields").size()).isEqualTo(2);
        assertThat(http.get("/schemas/ids/" + id).json().get("schema").asText()).isEqualTo(V1);
        assertThat(http.get("/schemas/ids/" + id + "/schema").json().get("name").asText()).isEqualTo("Pizza");
        assertThat(http.get("/schemas/ids/" + id + "/subjects").json().toString()).contains("\"reg-a-value\",\"reg-b-value\"");
        assertThat(http.get("/schemas/ids/" + id + "/versions").json().toString())
                .contains("{\"subject\":\"reg-a-value\",\"version\":1},{\"subject\":\"reg-b-value\",\"version\":1}");
        assertThat(http.get("/subjects").json().toString()).contains("\"reg-a-value\"", "\"reg-b-value\"");
        assertThat(http.get("/schemas/types").json().toString()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void lookingUpASchemaUnderASubject() {
        http.post("/subjects/look-value/versions", schemaBody(V1));

        Http.Answer found = http.post("/subjects/look-value", schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertError(http.post("/subjects/look-value", schemaBody(V2)), 404, 40403);
        assertError(http.post("/subjects/nobody-value", schemaBody(V1)), 404, 40401);
    }

    @Test
    void unknownThingsGetTheirOwn404Codes() {
        http.post("/subjects/known-value/versions", schemaBody(V1));
        assertError(http.get("/subjects/unknown-value/versions"), 404, 40401);
        assertError(http.get("/subjects/unknown-value/versions/1"), 404, 40401);
        assertError(http.get("/subjects/known-value/versions/99"), 404, 40402);
        assertError(http.get("/schemas/ids/9999"), 404, 40403);
        assertError(http.get("/schemas/ids/abc"), 404, 40403);
        assertError(http.get("/no/such/endpoint"), 404, 404);
    }

    @Test
    void badInputGets422WithTheReason() {
        http.post("/subjects/bad-value/versions", schemaBody(V1));
        Http.Answer invalidAvro = http.post("/subjects/bad-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"strnig\"}]}"));
        assertError(invalidAvro, 422, 42201);
        assertThat(invalidAvro.message()).contains("strnig");
        Http.Answer badDefault = http.post("/subjects/bad-value/versions", schemaBody(record("Y", "{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}")));
        assertError(badDefault, 422, 42201);
        Http.Answer invalidJson = http.post("/subjects/bad-value/versions", "{\"schema\": ");
        assertError(invalidJson, 422, 42201);
        assertThat(invalidJson.message()).startsWith("Invalid JSON in request body");
        assertError(http.post("/subjects/bad-value/versions", "{\"schemaa\": \"x\"}"), 422, 42201);
        assertError(http.get("/subjects/bad-value/versions/abc"), 422, 42202);
        assertError(http.get("/subjects/bad-value/versions/0"), 422, 42202);
        assertError(http.put("/config/bad-value", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    }

    @Test
    void contentTypesOfConfluentAndPlainJsonAreAcceptedAndAnswered() {
        for (String type : new String[] {Http.V1, "application/vnd.schemaregistry+json", "application/json"}) {
            Http.Answer a = http.send("POST", "/subjects/ct-value/versions", schemaBody(V1), type, type);
            assertThat(a.status()).as(type).isEqualTo(200);
            assertThat(a.contentType()).as(type).startsWith(type);
        }
        Http.Answer wrong = http.send("POST", "/subjects/ct-value/versions", schemaBody(V1), "text/plain", Http.V1);
        assertError(wrong, 415, 415);
        assertThat(wrong.message()).contains("text/plain");
    }

    @Test
    void aBodyOverTheLimitGets413Json() {
        String huge = schemaBody(record("Big", "{\"name\":\"a\",\"type\":\"string\",\"doc\":\"" + "x".repeat(100_000) + "\"}"));
        assertError(http.post("/subjects/big-value/versions", huge), 413, 413);
    }

    @Test
    void productSubjectsAreBackwardTransitiveAndABreakIsRefusedWithFieldAndRule() {
        String subject = "orders.product.lines.v1-value";
        http.post("/subjects/" + subject + "/versions", schemaBody(V1));
        assertThat(http.get("/config/" + subject).json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD_TRANSITIVE");

        String breaking = record("Pizza", "{\"name\":\"id\",\"type\":\"string\"}", "{\"name\":\"price\",\"type\":\"double\"}");
        Http.Answer refused = http.post("/subjects/" + subject + "/versions", schemaBody(breaking));
        assertError(refused, 409, 409);
        assertThat(refused.message()).contains("field price: a field was added without a default").contains(".v<N+1>");

        Http.Answer check = http.post("/compatibility/subjects/" + subject + "/versions/latest?verbose=true", schemaBody(breaking));
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.json().get("messages").get(0).asText()).startsWith("field price:");
        assertThat(http.post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(V2)).json().toString())
                .isEqualTo("{\"is_compatible\":true}");
        assertError(http.post("/compatibility/subjects/" + subject + "/versions/7", schemaBody(V2)), 404, 40402);
    }

    /** A history v1 (id, size as a string), v2 (size removed); v3' brings size back as an int: reads v2's data, not v1's. */
    static final String SIZE_STRING = record("Pizza", "{\"name\":\"id\",\"type\":\"string\"}", "{\"name\":\"size\",\"type\":\"string\"}");
    static final String SIZE_INT = record("Pizza", "{\"name\":\"id\",\"type\":\"string\"}", "{\"name\":\"size\",\"type\":\"int\",\"default\":0}");

    @Test
    void aVersionedCheckIsAgainstThatVersionAndAnUnversionedOneAgainstWhatTheLevelCallsFor() {
        String subject = "hist.product.pizzas.v1-value";
        http.post("/subjects/" + subject + "/versions", schemaBody(SIZE_STRING));
        http.post("/subjects/" + subject + "/versions", schemaBody(V1));

        assertThat(compatible(subject, "/versions/latest", SIZE_INT)).as("latest is v2 only, as Confluent").isTrue();
        assertThat(compatible(subject, "/versions/2", SIZE_INT)).isTrue();
        Http.Answer againstV1 = http.post("/compatibility/subjects/" + subject + "/versions/1?verbose=true", schemaBody(SIZE_INT));
        assertThat(againstV1.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(againstV1.json().get("messages").get(0).asText()).startsWith("field size: the type changed").contains("against version 1;");

        Http.Answer all = http.post("/compatibility/subjects/" + subject + "/versions?verbose=true", schemaBody(SIZE_INT));
        assertThat(all.json().get("is_compatible").asBoolean()).as("BACKWARD_TRANSITIVE: every version").isFalse();
        assertThat(all.json().get("messages")).singleElement().satisfies(m -> assertThat(m.asText()).contains("against version 1;"));
        assertThat(http.post("/compatibility/subjects/" + subject + "/versions", schemaBody(SIZE_INT)).json().toString())
                .as("without verbose, no messages").isEqualTo("{\"is_compatible\":false}");

        http.put("/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
        assertThat(compatible(subject, "/versions", SIZE_INT)).as("BACKWARD: the latest only").isTrue();
        http.put("/config/" + subject, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(compatible(subject, "/versions/latest", SIZE_INT)).as("a versioned check stays against its version").isTrue();

        http.delete("/subjects/" + subject + "/versions/1");
        http.put("/config/" + subject, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        assertThat(compatible(subject, "/versions", SIZE_INT)).as("a soft-deleted version is not checked").isTrue();
        Http.Answer named = http.post("/compatibility/subjects/" + subject + "/versions?verbose=true", schemaBody(SIZE_STRING));
        assertThat(named.json().get("messages").get(0).asText()).as("the version's own number").contains("against version 2;");
        assertError(http.post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(SIZE_INT)), 404, 40402);
    }

    @Test
    void aSubjectWithoutVersionsIsCompatibleExceptAgainstANamedVersion() {
        assertThat(compatible("nobody-value", "/versions/latest", V2)).isTrue();
        assertThat(compatible("nobody-value", "/versions", V2)).isTrue();
        assertError(http.post("/compatibility/subjects/nobody-value/versions/1", schemaBody(V2)), 404, 40401);
        assertError(http.post("/compatibility/subjects/nobody-value/versions/0", schemaBody(V2)), 422, 42202);
    }

    @Test
    void configIsGlobalOrPerSubject() {
        assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertError(http.get("/config/plain-value"), 404, 40408);
        assertThat(http.get("/config/plain-value?defaultToGlobal=true").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(http.put("/config/plain-value", "{\"compatibility\":\"full\"}").json().toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(http.get("/config/plain-value").json().get("compatibilityLevel").asText()).isEqualTo("FULL");

        http.post("/subjects/plain-value/versions", schemaBody(V1));
        String removesField = record("Pizza", "{\"name\":\"size\",\"type\":\"string\",\"default\":\"M\"}");
        assertError(http.post("/subjects/plain-value/versions", schemaBody(removesField)), 409, 409);
        assertThat(http.delete("/config/plain-value").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(http.post("/subjects/plain-value/versions", schemaBody(removesField)).status()).as("BACKWARD allows it").isEqualTo(200);
    }

    @Test
    void versionsAndSubjectsAreSoftDeletedThenPermanently() {
        http.post("/subjects/del-value/versions", schemaBody(V1));
        http.post("/subjects/del-value/versions", schemaBody(V2));

        assertError(http.delete("/subjects/del-value/versions/1?permanent=true"), 404, 40407);
        assertThat(http.delete("/subjects/del-value/versions/1").json().asInt()).isEqualTo(1);
        assertError(http.get("/subjects/del-value/versions/1"), 404, 40402);
        assertThat(http.get("/subjects/del-value/versions/1?deleted=true").json().get("version").asInt()).isEqualTo(1);
        assertThat(http.get("/subjects/del-value/versions").json().toString()).isEqualTo("[2]");
        assertError(http.delete("/subjects/del-value/versions/1"), 404, 40406);
        assertThat(http.delete("/subjects/del-value/versions/1?permanent=true").json().asInt()).isEqualTo(1);
        assertError(http.get("/subjects/del-value/versions/1?deleted=true"), 404, 40402);

        assertError(http.delete("/subjects/del-value?permanent=true"), 404, 40405);
        assertThat(http.delete("/subjects/del-value").json().toString()).isEqualTo("[2]");
        assertError(http.get("/subjects/del-value/versions"), 404, 40401);
        assertThat(http.get("/subjects?deleted=true").json().toString()).contains("\"del-value\"");
        assertError(http.delete("/subjects/del-value"), 404, 40404);
        assertThat(http.delete("/subjects/del-value?permanent=true").json().toString()).isEqualTo("[2]");
        assertThat(http.get("/subjects?deleted=true").json().toString()).doesNotContain("\"del-value\"");
        assertError(http.delete("/subjects/del-value"), 404, 40401);
    }

    @Test
    void healthAndPrometheusMetrics() {
        Http.Answer health = http.send("GET", "/health", null, null, "application/json");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        http.get("/subjects");
        Http.Answer metrics = http.send("GET", "/metrics", null, null, "text/plain");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("mesh_registry_requests_seconds_count{method=\"GET\",route=\"/subjects\",status=\"200\"}");
        assertThat(metrics.body()).contains("mesh_registry_requests_seconds_bucket");
    }

    static boolean compatible(String subject, String versions, String schema) {
        Http.Answer a = http.post("/compatibility/subjects/" + subject + versions, schemaBody(schema));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().get("is_compatible").asBoolean();
    }

    static void assertError(Http.Answer a, int status, int code) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.errorCode()).as(a.body()).isEqualTo(code);
        assertThat(a.message()).isNotBlank().doesNotContain("\tat ");
    }

    static String quoted(String s) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s).toString();
    }
}
