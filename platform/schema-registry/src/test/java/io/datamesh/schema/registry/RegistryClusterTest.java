package io.datamesh.schema.registry;

import static io.datamesh.schema.registry.Http.record;
import static io.datamesh.schema.registry.Http.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry's state lives in Kafka: a restarted instance and a second instance give the same answers. */
class RegistryClusterTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    private static SchemaRegistryServer start(String topic) {
        return SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                RegistryConfig.PORT, 0, RegistryConfig.TOPIC, topic)));
    }

    @Test
    void aRestartedRegistryRebuildsItsStateFromTheTopic() {
        List<String> before;
        try (SchemaRegistryServer first = start("_schemas_restart")) {
            Http http = new Http(first.url());
            http.put("/config", "{\"compatibility\":\"NONE\"}");
            for (int i = 0; i < 5; i++) {
                assertThat(http.post("/subjects/restart-" + (i % 2) + "-value/versions",
                        schemaBody(record("R" + i, "{\"name\":\"a\",\"type\":\"int\"}"))).status()).isEqualTo(200);
            }
            http.put("/config/restart-0-value", "{\"compatibility\":\"FULL\"}");
            http.delete("/subjects/restart-1-value/versions/1");
            before = snapshot(http);
        }
        try (SchemaRegistryServer second = start("_schemas_restart")) {
            Http http = new Http(second.url());
            assertThat(snapshot(http)).isEqualTo(before);
            int next = http.post("/subjects/restart-2-value/versions", schemaBody(record("Fresh", "{\"name\":\"b\",\"type\":\"int\"}")))
                    .json().get("id").asInt();
            assertThat(next).as("ids continue after the restart").isEqualTo(6);
        }
    }

    @Test
    void twoInstancesOnOneTopicNeverGiveOneIdToTwoSchemasAndAnswerAlike() throws Exception {
        try (SchemaRegistryServer a = start("_schemas_pair"); SchemaRegistryServer b = start("_schemas_pair")) {
            Http ha = new Http(a.url());
            Http hb = new Http(b.url());
            ha.put("/config", "{\"compatibility\":\"NONE\"}");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Map.Entry<String, Integer>>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                Http via = n % 2 == 0 ? ha : hb;
                String schema = record("S" + (n % 30), "{\"name\":\"f\",\"type\":\"int\"}"); // 30 distinct schemas, 10 repeated
                results.add(pool.submit(() -> Map.entry(schema, via.post("/subjects/pair-" + (n % 4) + "-value/versions",
                        schemaBody(schema)).json().get("id").asInt())));
            }
            Map<String, Integer> idBySchema = new HashMap<>();
            Map<Integer, String> schemaById = new HashMap<>();
            for (Future<Map.Entry<String, Integer>> f : results) {
                Map.Entry<String, Integer> e = f.get(60, TimeUnit.SECONDS);
                Integer known = idBySchema.putIfAbsent(e.getKey(), e.getValue());
                assertThat(known == null || known.equals(e.getValue())).as("one id per schema: %s", e.getKey()).isTrue();
                String other = schemaById.putIfAbsent(e.getValue(), e.getKey());
                assertThat(other == null || other.equals(e.getKey())).as("one schema per id %s", e.getValue()).isTrue();
            }
            pool.shutdown();
            assertThat(idBySchema).hasSize(30);
            assertThat(snapshot(ha)).isEqualTo(snapshot(hb));
        }
    }

    /** Every subject, version and schema id as one instance answers them. */
    private static List<String> snapshot(Http http) {
        List<String> out = new ArrayList<>();
        http.get("/subjects?deleted=true").json().forEach(s -> {
            String subject = s.asText();
            out.add(subject + " config " + http.get("/config/" + subject + "?defaultToGlobal=true").body());
            http.get("/subjects/" + subject + "/versions?deleted=true").json().forEach(v ->
                    out.add(http.get("/subjects/" + subject + "/versions/" + v.asInt() + "?deleted=true").body()));
            out.add(subject + " live " + http.get("/subjects/" + subject + "/versions").body());
        });
        for (int id = 1; id <= 40; id++) {
            out.add(id + " " + http.get("/schemas/ids/" + id).body());
        }
        return out;
    }
}
