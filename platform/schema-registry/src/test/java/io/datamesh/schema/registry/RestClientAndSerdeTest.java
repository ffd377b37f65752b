package io.datamesh.schema.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.schema.compat.SchemaGate;
import io.datamesh.serde.MeshAvroDeserializer;
import io.datamesh.serde.MeshAvroSerializer;
import io.datamesh.serde.RegistryPublishedSchemas;
import io.datamesh.serde.RestSchemaRegistryClient;
import io.datamesh.serde.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The platform's REST client and Avro serdes against the real registry. */
class RestClientAndSerdeTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perClass();

    static SchemaRegistryServer server;
    static RestSchemaRegistryClient client;

    @BeforeAll
    static void start() {
        server = SchemaRegistryServer.start(RegistryConfig.from(Map.of(RegistryConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                RegistryConfig.PORT, 0)));
        client = new RestSchemaRegistryClient(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theClientSpeaksTheRegistrysApi() {
        Schema v1 = new Schema.Parser().parse(Http.record("Ping", "{\"name\":\"n\",\"type\":\"int\"}"));
        int id = client.register("client.product.pings.v1-value", v1);

        assertThat(client.idOf("client.product.pings.v1-value", v1)).isEqualTo(id);
        assertThat(client.byId(id)).isEqualTo(v1);
        assertThat(client.latest("client.product.pings.v1-value").version()).isEqualTo(1);
        assertThat(client.versions("client.product.pings.v1-value")).containsExactly(1);
        assertThat(client.subjects()).contains("client.product.pings.v1-value");
        assertThat(client.compatibility("client.product.pings.v1-value")).isEqualTo("BACKWARD_TRANSITIVE");

        Schema breaking = new Schema.Parser().parse(Http.record("Ping", "{\"name\":\"n\",\"type\":\"string\"}"));
        assertThat(client.incompatibilities("client.product.pings.v1-value", breaking)).singleElement()
                .satisfies(m -> assertThat(m).startsWith("field n: the type changed"));
        assertThatThrownBy(() -> client.register("client.product.pings.v1-value", breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
        assertThatThrownBy(() -> client.byId(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    /**
     * The gate against a registry with Confluent's semantics (ours): v3' reads v2's data but not v1's, so it
     * is refused whatever the subject's level, as long as the level checks backward at all.
     */
    @Test
    void theGateRefusesASchemaThatBreaksAnOlderVersionAtAnyBackwardLevel() {
        String subject = "client.product.sizes.v1-value";
        Schema sizeString = new Schema.Parser().parse(RegistryApiTest.SIZE_STRING);
        Schema sizeInt = new Schema.Parser().parse(RegistryApiTest.SIZE_INT);
        client.register(subject, sizeString);
        client.register(subject, new Schema.Parser().parse(RegistryApiTest.V1));

        for (String level : new String[] {"BACKWARD_TRANSITIVE", "BACKWARD", "FULL"}) {
            client.setCompatibility(subject, level);
            assertThat(client.incompatibilities(subject, sizeInt)).as(level).isNotEmpty()
                    .allSatisfy(m -> assertThat(m).startsWith("field size: the type changed").contains("against version 1;"));
        }
        client.setCompatibility(subject, "NONE");
        assertThat(client.incompatibilities(subject, sizeInt)).singleElement().satisfies(m -> assertThat(m)
                .contains("compatibility level NONE").contains("BACKWARD_TRANSITIVE"));
        assertThat(client.incompatibilities("client.product.nobody.v1-value", sizeInt)).as("a first version").isEmpty();
    }

    @Test
    void meshSchemaCheckAgainstTheRegistryChecksEveryVersionAtAnyBackwardLevel() {
        String subject = "client.product.sizes-cli.v1-value";
        client.register(subject, new Schema.Parser().parse(RegistryApiTest.SIZE_STRING));
        client.register(subject, new Schema.Parser().parse(RegistryApiTest.V1));
        client.setCompatibility(subject, "BACKWARD");

        List<SchemaGate.Verdict> verdicts = SchemaGate.check(Map.of(subject, new Schema.Parser().parse(RegistryApiTest.SIZE_INT)),
                new RegistryPublishedSchemas(client));
        assertThat(verdicts).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(SchemaGate.Verdict.Status.BROKEN);
            assertThat(v.violations()).singleElement().satisfies(x -> assertThat(x.version()).isEqualTo(1));
        });
    }

    @Test
    void serdesRoundTripThroughTheRealRegistry() {
        Schema schema = new Schema.Parser().parse(Http.record("Pong", "{\"name\":\"n\",\"type\":\"long\"}"));
        GenericRecord pong = new GenericData.Record(schema);
        pong.put("n", 42L);
        MeshAvroSerializer<GenericRecord> serializer = new MeshAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", server.url(), "auto.register.schemas", true), false);
        MeshAvroDeserializer<GenericRecord> deserializer = new MeshAvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", server.url(), "specific.avro.reader", false), false);

        byte[] bytes = serializer.serialize("client.raw.pongs", pong);
        assertThat(deserializer.deserialize("client.raw.pongs", bytes).get("n")).isEqualTo(42L);
        assertThat(client.latest("client.raw.pongs-value").schema()).isEqualTo(schema);
    }
}
