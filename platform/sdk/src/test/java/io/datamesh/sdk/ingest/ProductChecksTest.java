package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.aggregate.Aggregations;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.StringProductFormat;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.fixtures.OrderLine;
import io.datamesh.sdk.fixtures.OrderLineRecord;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.ChangeEvent;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A later hop checks the content hash over the payload as it was written. A producer on a newer
 * payload schema (a field added with a default, a backward-compatible change) wrote bytes that this
 * reader, on the current schema, decodes without the new field: encoding what it decoded would give
 * other bytes, and a valid record would be called forged. Both hops are tested: a view
 * ({@link ViewWriter}, which reads only the record's head) and a consumer domain's aggregate
 * ({@link VerifyProcessor}, which decodes the record).
 */
class ProductChecksTest {

    private static final String TOPIC = "lines.product.order-lines.v1";
    private static final String VIEW = "order-lines-by-id";
    private static final Instant JUL_08 = Instant.parse("2018-07-08T10:00:00Z");

    /** The payload schema one version on: OrderLine with a note. */
    private static final Schema NEWER_LINE = new Schema.Parser().parse(OrderLine.getClassSchema().toString()
            .replace("\"fields\":[", "\"fields\":[{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"},"));
    private static final Schema NEWER_ENVELOPE = envelopeOf(NEWER_LINE);

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private DomainTestDriver driver;

    enum Hop { VIEW, AGGREGATE }

    @AfterEach
    void close() {
        driver.close();
    }

    private DomainTestDriver driver(Hop hop) {
        driver = DomainTestDriver.of(hop == Hop.VIEW ? new LinesDomain() : new TallyDomain(), registry);
        return driver;
    }

    /** What the hop made of line o1#1 of pizzeria 42: the view's versions, or the aggregate's published totals. */
    private List<String> output(Hop hop) {
        return hop == Hop.VIEW
                ? driver.<OrderLine>view(VIEW).history("o1#1", HistoryOrder.RECORDED).stream()
                        .map(v -> v.value().payload().getPizzeriaId() + "|" + v.value().payload().getQuantity()).toList()
                : driver.<String>readProduct(TallyDomain.PUBLISHED).stream().map(ProductRecord::payload).toList();
    }

    @ParameterizedTest
    @EnumSource(Hop.class)
    void aRecordWrittenOnANewerPayloadSchemaPasses(Hop hop) throws IOException {
        assertThat(NEWER_ENVELOPE.toString()).contains("\"note\"");
        GenericRecord line = newerLine("the corner table");
        byte[] payload = encode(NEWER_LINE, line);
        driver(hop).pipeBytes(TOPIC, "o1#1", envelope(line, sha256(payload)), JUL_08);

        assertThat(driver.readDeadLetters()).isEmpty();
        assertThat(output(hop)).containsExactly(hop == Hop.VIEW ? "42|2" : "42|2018-07-08|2");
        if (hop == Hop.VIEW) {
            assertThat(driver.<OrderLine>view(VIEW).history("o1#1", HistoryOrder.RECORDED).get(0).value().contentHash())
                    .isEqualTo(sha256(payload));
        }
    }

    @ParameterizedTest
    @EnumSource(Hop.class)
    void aPayloadChangedAfterIngestionIsADeadLetter(Hop hop) throws IOException {
        GenericRecord line = newerLine("the corner table");
        byte[] hash = sha256(encode(NEWER_LINE, line));
        line.put("quantity", 20);
        byte[] forged = envelope(line, hash);
        driver(hop).pipeBytes(TOPIC, "o1#1", forged, JUL_08);

        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).isEqualTo(VerifyProcessor.HASH_MISMATCH);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("verify");
        assertThat(dead.get(0).value()).isEqualTo(forged);
        assertThat(output(hop)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Hop.class)
    void bytesThatAreNotAProductRecordAreADeadLetterWithTheSerdesReason(Hop hop) {
        byte[] json = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        driver(hop).pipeBytes(TOPIC, "o1#1", json, JUL_08);

        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).contains("bad magic byte 0x7b");
        assertThat(dead.get(0).value()).isEqualTo(json);
        assertThat(output(hop)).isEmpty();
    }

    private static Schema envelopeOf(Schema payload) {
        Schema current = OrderLineRecord.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream()
                .map(f -> f.name().equals("payload")
                        ? new Schema.Field(f, Schema.createUnion(Schema.create(Schema.Type.NULL), payload))
                        : new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static GenericRecord newerLine(String note) {
        GenericRecord line = new GenericData.Record(NEWER_LINE);
        line.put("note", note);
        line.put("orderId", "o1");
        line.put("lineNo", 1);
        line.put("pizzeriaId", "42");
        line.put("productId", "margherita");
        line.put("quantity", 2);
        Schema price = NEWER_LINE.getField("unitPrice").schema();
        line.put("unitPrice", new Conversions.DecimalConversion().toBytes(new BigDecimal("8.50"), price, LogicalTypes.decimal(12, 2)));
        line.put("placedAt", JUL_08.toEpochMilli());
        line.put("refunded", false);
        return line;
    }

    /** The envelope as the newer producer writes it, in the wire format under the schema id it registered. */
    private byte[] envelope(GenericRecord line, byte[] hash) throws IOException {
        GenericRecord e = new GenericData.Record(NEWER_ENVELOPE);
        e.put("key", "o1#1");
        e.put("validFrom", JUL_08.toEpochMilli());
        e.put("recordedAt", JUL_08.toEpochMilli());
        e.put("operation", new GenericData.EnumSymbol(NEWER_ENVELOPE.getField("operation").schema(), "UPSERT"));
        Schema sourceSchema = NEWER_ENVELOPE.getField("source").schema();
        GenericRecord source = new GenericData.Record(sourceSchema);
        source.put("kind", new GenericData.EnumSymbol(sourceSchema.getField("kind").schema(), "CDC"));
        source.put("source", "db");
        source.put("segment", "bin.000001");
        source.put("offset", 4L);
        source.put("row", 0);
        source.put("id", null);
        e.put("source", source);
        e.put("contentHash", new GenericData.Fixed(NEWER_ENVELOPE.getField("contentHash").schema(), hash));
        e.put("payload", line);
        int id = registry.register(TOPIC + "-value", NEWER_ENVELOPE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        out.write(encode(NEWER_ENVELOPE, e));
        return out.toByteArray();
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A consumer domain counting the lines of each pizzeria per day, as the sales domain does. */
    static final class TallyDomain implements DomainDefinition {
        static final String PUBLISHED = "tally.product.lines-per-day.v1";

        @Override
        public String name() {
            return "tally";
        }

        @Override
        public void define(Domain d) {
            Domain.Consumed<OrderLine> lines = d.consume(TOPIC, d.avro(OrderLineRecord.class, OrderLine.class));
            d.aggregate("lines-by-day", lines, TimeBucket.Unit.DAY, OrderLine::getPizzeriaId, r -> r.payload().getPlacedAt(),
                    line -> (long) line.getQuantity(), Aggregations.sumLong(),
                    "lines-per-day", 1, StringProductFormat.INSTANCE, (bucket, total) -> bucket.group() + "|" + bucket.label() + "|" + total);
        }
    }

    /** Order lines with a view, as the orders domain publishes them. */
    static final class LinesDomain implements DomainDefinition {
        @Override
        public String name() {
            return "lines";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<ChangeEvent> raw = d.raw("order-lines", ChangeEvent.serde());
            d.publish("order-lines", 1, d.avro(OrderLineRecord.class, OrderLine.class), raw, (in, out) -> {
                throw new UnsupportedOperationException("this test writes the product directly");
            }).view(VIEW);
        }
    }
}
