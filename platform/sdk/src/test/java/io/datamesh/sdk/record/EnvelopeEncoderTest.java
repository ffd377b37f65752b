package io.datamesh.sdk.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Random;
import java.util.function.BiFunction;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.fixtures.Order;
import io.datamesh.sdk.fixtures.OrderLine;
import io.datamesh.sdk.fixtures.OrderLineRecord;
import io.datamesh.sdk.fixtures.OrderRecord;
import io.datamesh.sdk.fixtures.OrderStatus;
import io.datamesh.serde.AvroCanonical;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourcePosition;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** The envelope written field by field is byte for byte what Avro's own writer makes of the generated envelope. */
class EnvelopeEncoderTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void writesTheSameBytesAsTheGenericWriterForRandomOrderLines() throws IOException {
        assertSameBytesForRandomRecords(AvroProductFormat.of(OrderLineRecord.class, OrderLine.class, registry), 5_000,
                (random, i) -> random.nextInt(5) == 0 ? null : OrderLine.newBuilder().setOrderId("o" + random.nextInt())
                        .setLineNo(random.nextInt(1, 20)).setPizzeriaId("p" + random.nextInt(40)).setProductId("margherita é€")
                        .setQuantity(random.nextInt(1, 9)).setUnitPrice(BigDecimal.valueOf(random.nextInt(100_000), 2))
                        .setPlacedAt(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L))).setRefunded(random.nextBoolean())
                        .build());
    }

    @Test
    void writesTheSameBytesForOrdersWithOptionalFieldsAndEnums() throws IOException {
        assertSameBytesForRandomRecords(AvroProductFormat.of(OrderRecord.class, Order.class, registry), 2_000,
                (random, i) -> Order.newBuilder().setOrderId("o" + i).setPizzeriaId("napoli-1")
                        .setCustomerId(random.nextBoolean() ? null : "c" + i)
                        .setStatus(OrderStatus.values()[random.nextInt(OrderStatus.values().length)])
                        .setPlacedAt(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)))
                        .setTotal(BigDecimal.valueOf(random.nextInt(1_000_000), 2)).build());
    }

    /** {@code count} random records around the payloads {@code payload} makes (null: a delete), with a printed seed. */
    private static <W extends SpecificRecordBase, P extends SpecificRecordBase> void assertSameBytesForRandomRecords(
            AvroProductFormat<W, P> format, int count, BiFunction<Random, Integer, P> payload) throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        // One encoder for all records, as a format has: strings it keeps as UTF-8 repeat, change, and come back.
        EnvelopeEncoder<P> encoder = EnvelopeEncoder.<P>of(format.schema()).orElseThrow();
        for (int i = 0; i < count; i++) {
            assertSameBytes(format, encoder, record(random, payload.apply(random, i)), seed);
        }
    }

    private static <P extends SpecificRecordBase> ProductRecord<P> record(Random random, P payload) {
        SourcePosition.Kind kind = SourcePosition.Kind.values()[random.nextInt(SourcePosition.Kind.values().length)];
        SourcePosition source = new SourcePosition(kind, text(random, SOURCES), random.nextBoolean() ? "" : text(random, SEGMENTS),
                random.nextLong(0, Long.MAX_VALUE), random.nextInt(0, 1000), kind.ordered() && random.nextBoolean() ? null : "id-" + random.nextInt());
        Operation op = payload == null ? Operation.DELETE : random.nextBoolean() ? Operation.UPSERT : Operation.CORRECTION;
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        return new ProductRecord<>("k" + random.nextInt(), Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)),
                Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)), op, source, hash, payload);
    }

    /** Strings that repeat as the same instances, as a stream's decoded header gives them. */
    private static final String[] SOURCES = {"orders-db", "bücher-db", "src-7"};
    private static final String[] SEGMENTS = {"bin.000001", "bin.000002", "€-segment"};

    /** One of {@code known} (the same instance), or now and then an equal string that is another instance, or a new one. */
    private static String text(Random random, String[] known) {
        int pick = random.nextInt(known.length + 2);
        if (pick < known.length) {
            return known[pick];
        }
        return pick == known.length ? new String(known[random.nextInt(known.length)].toCharArray()) : "src-" + random.nextInt(9);
    }

    private static <W extends SpecificRecordBase, P extends SpecificRecordBase> void assertSameBytes(
            AvroProductFormat<W, P> format, EnvelopeEncoder<P> encoder, ProductRecord<P> r, long seed) throws IOException {
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(fast, null);
        encoder.write(r, r.payload() == null ? null : AvroCanonical.bytes(r.payload()), out);
        out.flush();

        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        BinaryEncoder out2 = EncoderFactory.get().directBinaryEncoder(generic, null);
        new SpecificDatumWriter<W>(format.schema(), SpecificData.getForClass(OrderLineRecord.class)).write(format.toEnvelope(r), out2);
        out2.flush();

        assertThat(fast.toByteArray()).as("%s (seed %d)", r, seed).isEqualTo(generic.toByteArray());
    }

    @Test
    void theFormatsSerializerWritesWhatItsDeserializerReadsBack() {
        AvroProductFormat<OrderLineRecord, OrderLine> format = AvroProductFormat.autoRegistering(OrderLineRecord.class, OrderLine.class, registry);
        OrderLine line = OrderLine.newBuilder().setOrderId("o1").setLineNo(1).setPizzeriaId("napoli-1").setProductId("margherita")
                .setQuantity(2).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(Instant.parse("2018-07-08T10:30:00Z")).build();
        // Hashed first, as the ingest processor does: the serializer copies the bytes encoded for the hash.
        ProductRecord<OrderLine> r = new ProductRecord<>("o1#1", line.getPlacedAt(), Instant.parse("2018-07-08T10:30:01Z"),
                Operation.UPSERT, SourcePosition.cdc("db", "bin.000001", 4, 0, null), ContentHash.of(format, line), line);
        var serde = format.serde("orders.product.order-lines.v1");
        ProductRecord<OrderLine> back = serde.deserializer().deserialize("orders.product.order-lines.v1",
                serde.serializer().serialize("orders.product.order-lines.v1", r));
        assertThat(back).isEqualTo(r);
        assertThat(ContentHash.matches(format, back)).isTrue();
    }

    @Test
    void anEnvelopeOfAnotherShapeIsLeftToTheGenericWriter() {
        Schema extraField = new Schema.Parser().parse("""
                {"type": "record", "name": "Odd", "fields": [
                  {"name": "key", "type": "string"}, {"name": "note", "type": "string"}]}""");
        Schema intTimes = new Schema.Parser().parse("""
                {"type": "record", "name": "OddTimes", "fields": [{"name": "validFrom", "type": "int"}]}""");
        assertThat(EnvelopeEncoder.of(extraField)).isEmpty();
        assertThat(EnvelopeEncoder.of(intTimes)).isEmpty();
    }

    @Test
    void timesInMicrosecondsAreWrittenAsMicroseconds() throws IOException {
        Schema micros = new Schema.Parser().parse("""
                {"type": "record", "name": "Micros", "fields": [
                  {"name": "validFrom", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}""");
        ProductRecord<OrderLine> r = new ProductRecord<>("k", Instant.parse("2018-07-08T10:30:00.123456Z"), Instant.EPOCH,
                Operation.DELETE, SourcePosition.kafka("t", 0, 1), new byte[32], null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        EnvelopeEncoder.<OrderLine>of(micros).orElseThrow().write(r, null, out);
        out.flush();
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
        assertThat(in.readLong()).isEqualTo(1_531_045_800_123_456L);
    }
}
