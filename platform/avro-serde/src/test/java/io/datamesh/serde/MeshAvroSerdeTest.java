package io.datamesh.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.datamesh.serde.fixtures.OrderLine;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class MeshAvroSerdeTest {

    private static final String TOPIC = "orders.product.order-lines.v1";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    static OrderLine line() {
        return OrderLine.newBuilder().setOrderId("o1").setLineNo(1).setPizzeriaId("42").setProductId("margherita")
                .setQuantity(2).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(Instant.parse("2018-07-08T10:00:00Z"))
                .setRefunded(false).build();
    }

    @Test
    void specificRecordsRoundTripInConfluentsWireFormat() {
        MeshAvroSerde<OrderLine> serde = new MeshAvroSerde<>(registry, true);
        byte[] bytes = serde.serializer().serialize(TOPIC, line());

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(id).isEqualTo(registry.idOf(TOPIC + "-value", OrderLine.getClassSchema()));
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(line());
    }

    @Test
    void genericRecordsRoundTrip() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"test\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");
        GenericRecord ping = new GenericData.Record(schema);
        ping.put("n", 7);
        MeshAvroSerializer<GenericRecord> serializer = new MeshAvroSerializer<>(registry, true);
        MeshAvroDeserializer<GenericRecord> deserializer = new MeshAvroDeserializer<>(registry, false);

        GenericRecord back = deserializer.deserialize("test.raw.pings", serializer.serialize("test.raw.pings", ping));
        assertThat(back.get("n")).isEqualTo(7);
    }

    @Test
    void aConsumerWithANewerSchemaReadsRecordsWrittenWithAnOlderOne() {
        Schema v0 = new Schema.Parser().parse(OrderLine.getClassSchema().toString().replace(
                ",{\"name\":\"refunded\",\"type\":\"boolean\",\"doc\":\"Whether the line was refunded.\",\"default\":false}", ""));
        assertThat(v0.getField("refunded")).as("the old schema has no refunded field").isNull();
        GenericRecord old = new GenericData.Record(v0);
        OrderLine current = line();
        for (Schema.Field f : v0.getFields()) {
            old.put(f.name(), GenericData.get().deepCopy(f.schema(), valueForOldSchema(current, f.name())));
        }
        byte[] bytes = new MeshAvroSerializer<GenericRecord>(registry, true).serialize(TOPIC, old);

        OrderLine read = new MeshAvroDeserializer<OrderLine>(registry, true).deserialize(TOPIC, bytes);
        assertThat(read).isEqualTo(current);
        assertThat(read.getRefunded()).isFalse();
    }

    private static Object valueForOldSchema(OrderLine line, String field) {
        return switch (field) {
            case "unitPrice" -> ByteBuffer.wrap(line.getUnitPrice().unscaledValue().toByteArray());
            case "placedAt" -> line.getPlacedAt().toEpochMilli();
            default -> line.get(field);
        };
    }

    @Test
    void badBytesAreRefusedSayingWhich() {
        MeshAvroDeserializer<OrderLine> deserializer = new MeshAvroDeserializer<>(registry, true);
        byte[] good = new MeshAvroSerializer<OrderLine>(registry, true).serialize(TOPIC, line());

        byte[] badMagic = good.clone();
        badMagic[0] = 7;
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, badMagic)).isInstanceOfSatisfying(SerdeFailure.class, e -> {
            assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.BAD_MAGIC_BYTE);
            assertThat(e).hasMessage("record of " + TOPIC + " starts with bad magic byte 0x07, expected 0x00 (Confluent wire format)");
        });
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 0}))
                .isInstanceOfSatisfying(SerdeFailure.class, e -> assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.TOO_SHORT));
        byte[] unknownId = good.clone();
        unknownId[4] = 99;
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, unknownId)).isInstanceOfSatisfying(SerdeFailure.class, e -> {
            assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.UNKNOWN_SCHEMA_ID);
            assertThat(e).hasMessage("record of " + TOPIC + " names unknown schema id 99");
        });
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, Arrays.copyOf(good, good.length - 3)))
                .isInstanceOfSatisfying(SerdeFailure.class, e -> assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.CORRUPT_AVRO));
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, trailing))
                .isInstanceOfSatisfying(SerdeFailure.class, e -> assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.CORRUPT_AVRO));
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTheSubject() {
        MeshAvroSerializer<OrderLine> serializer = new MeshAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.client", registry), false);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, line())).isInstanceOfSatisfying(SerdeFailure.class, e -> {
            assertThat(e.reason()).isEqualTo(SerdeFailure.Reason.SCHEMA_NOT_REGISTERED);
            assertThat(e).hasMessageStartingWith("schema io.datamesh.serde.fixtures.OrderLine is not registered under subject "
                    + TOPIC + "-value");
        });
        registry.register(TOPIC + "-value", OrderLine.getClassSchema());
        assertThat(serializer.serialize(TOPIC, line())).isNotEmpty();
    }

    @Test
    void idsAndSchemasAreCachedAfterTheFirstRecord() {
        AtomicInteger calls = new AtomicInteger();
        SchemaRegistryClient counting = countingClient(registry, calls);
        registry.register(TOPIC + "-value", OrderLine.getClassSchema());
        MeshAvroSerializer<OrderLine> serializer = new MeshAvroSerializer<>(counting, false);
        MeshAvroDeserializer<OrderLine> deserializer = new MeshAvroDeserializer<>(counting, true);

        for (int i = 0; i < 100; i++) {
            deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, line()));
        }
        assertThat(calls.get()).as("one id lookup, one schema fetch").isEqualTo(2);
    }

    @Test
    void theContentHashIsPinnedAndDependsOnlyOnContent() {
        OrderLine built = line();
        OrderLine rebuilt = OrderLine.newBuilder(line()).setQuantity(2).build();
        assertThat(HexFormat.of().formatHex(AvroCanonical.sha256(built)))
                .isEqualTo(HexFormat.of().formatHex(AvroCanonical.sha256(rebuilt)))
                .isEqualTo("92bb23bd569b9932f62baf5ad8a8bb3cf0e17e7d7af233de238a1625f4e6a5e4");
        assertThat(AvroCanonical.sha256(OrderLine.newBuilder(line()).setQuantity(3).build())).isNotEqualTo(AvroCanonical.sha256(built));
    }

    @Test
    void theSameSchemaGetsTheSameIdUnderAnotherSubjectAndProductSubjectsAreTransitive() {
        int a = registry.register("a-value", OrderLine.getClassSchema());
        int b = registry.register("b-value", OrderLine.getClassSchema());
        assertThat(a).isEqualTo(b);
        assertThat(registry.compatibility(TOPIC + "-value")).isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(registry.compatibility("orders.raw.orders-value")).isEqualTo("BACKWARD");
        assertThat(registry.versions("a-value")).isEqualTo(List.of(1));
    }

    @Test
    void theGateChecksEveryVersionWhateverBackwardLevelTheSubjectHas() {
        String subject = "test.product.sizes.v1-value";
        Schema sizeString = pizza("{\"name\":\"size\",\"type\":\"string\"}");
        Schema sizeInt = pizza("{\"name\":\"size\",\"type\":\"int\",\"default\":0}");
        registry.register(subject, sizeString);
        registry.register(subject, pizza());
        registry.setCompatibility(subject, "BACKWARD");

        assertThat(registry.incompatibilities(subject, sizeInt)).singleElement()
                .satisfies(m -> assertThat(m).startsWith("field size: the type changed").contains("against version 1;"));
        registry.setCompatibility(subject, "FORWARD");
        assertThat(registry.incompatibilities(subject, sizeInt)).singleElement().satisfies(m -> assertThat(m)
                .contains("compatibility level FORWARD").contains("BACKWARD_TRANSITIVE"));
        registry.setCompatibility(subject, "BACKWARD");
        assertThat(registry.register(subject, sizeInt)).as("registering follows the subject's level: BACKWARD, the latest only").isPositive();
    }

    private static Schema pizza(String... fields) {
        StringBuilder sb = new StringBuilder("{\"type\":\"record\",\"name\":\"Pizza\",\"namespace\":\"test\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}");
        for (String f : fields) {
            sb.append(',').append(f);
        }
        return new Schema.Parser().parse(sb.append("]}").toString());
    }

    static SchemaRegistryClient countingClient(SchemaRegistryClient delegate, AtomicInteger calls) {
        return (SchemaRegistryClient) java.lang.reflect.Proxy.newProxyInstance(SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    calls.incrementAndGet();
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
