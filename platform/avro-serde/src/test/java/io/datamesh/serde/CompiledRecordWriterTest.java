package io.datamesh.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;

import io.datamesh.serde.fixtures.OrderLine;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/**
 * The compiled canonical writer against Avro's datum writer, the obvious path it stands in for:
 * the content hash is computed over these bytes, so for every value the two must write the same.
 */
class CompiledRecordWriterTest {

    /** Every type the compiled writer covers, with logical types directly in fields and inside nullable unions. */
    private static final Schema EVERYTHING = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "namespace": "io.datamesh.serde.test", "fields": [
              {"name": "flag", "type": "boolean"},
              {"name": "count", "type": "int"},
              {"name": "big", "type": "long"},
              {"name": "ratio", "type": "float"},
              {"name": "amount", "type": "double"},
              {"name": "text", "type": "string"},
              {"name": "blob", "type": "bytes"},
              {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
              {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN", "BLUE"]}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "nested", "type": {"type": "record", "name": "Nested", "fields": [
                {"name": "name", "type": "string"},
                {"name": "maybe", "type": ["null", "long"]}]}},
              {"name": "maybeText", "type": ["null", "string"]},
              {"name": "textOrNull", "type": ["string", "null"]},
              {"name": "maybeNested", "type": ["null", "Nested"]},
              {"name": "maybePrice", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 3}]},
              {"name": "maybeAt", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]},
              {"name": "nothing", "type": "null"}
            ]}""");

    @Test
    void aGeneratedPayloadIsWrittenAsTheDatumWriterWritesIt() {
        assertThat(CompiledRecordWriter.of(OrderLine.getClassSchema(), AvroModels.specific(getClass().getClassLoader()))).isPresent();
        Random random = new Random(18);
        for (int i = 0; i < 1_000; i++) {
            OrderLine line = OrderLine.newBuilder().setOrderId(text(random)).setLineNo(random.nextInt())
                    .setPizzeriaId(text(random)).setProductId(text(random)).setQuantity(random.nextInt(1000) - 500)
                    .setUnitPrice(new BigDecimal(BigInteger.valueOf(random.nextLong() % 100_000_000_000L), 2))
                    .setPlacedAt(Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L)).setRefunded(random.nextBoolean()).build();
            assertThat(AvroCanonical.bytes(line)).as("line %s", line).isEqualTo(AvroCanonical.bytesByDatumWriter(line));
        }
    }

    @Test
    void everyCoveredTypeIsWrittenAsTheDatumWriterWritesIt() {
        assertThat(CompiledRecordWriter.of(EVERYTHING, AvroModels.specific(getClass().getClassLoader()))).isPresent();
        Random random = new Random(1);
        for (int i = 0; i < 2_000; i++) {
            GenericRecord r = everything(random);
            assertThat(AvroCanonical.bytes(r)).as("record %s", r).isEqualTo(AvroCanonical.bytesByDatumWriter(r));
        }
    }

    @Test
    void aSchemaItDoesNotCoverKeepsTheDatumWriter() {
        Schema withArray = new Schema.Parser().parse("""
                {"type": "record", "name": "WithArray", "fields": [
                  {"name": "id", "type": "string"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}""");
        assertThat(CompiledRecordWriter.of(withArray, AvroModels.specific(getClass().getClassLoader()))).isEmpty();
        GenericRecord r = new GenericData.Record(withArray);
        r.put("id", "o1");
        r.put("tags", List.of("hot", "veggie"));
        assertThat(AvroCanonical.bytes(r)).isEqualTo(AvroCanonical.bytesByDatumWriter(r));
    }

    @Test
    void aMissingRequiredValueFailsAsWithTheDatumWriter() {
        GenericRecord r = everything(new Random(2));
        r.put("text", null);
        assertThatThrownBy(() -> AvroCanonical.bytesByDatumWriter(r)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AvroCanonical.bytes(r)).isInstanceOf(NullPointerException.class).hasMessageContaining("text");
    }

    private static GenericRecord everything(Random random) {
        GenericRecord r = new GenericData.Record(EVERYTHING);
        r.put("flag", random.nextBoolean());
        r.put("count", random.nextInt());
        r.put("big", random.nextLong());
        r.put("ratio", random.nextInt(10) == 0 ? Float.NaN : random.nextFloat() * 1e6f - 5e5f);
        r.put("amount", random.nextInt(10) == 0 ? -0.0 : random.nextGaussian() * 1e12);
        r.put("text", random.nextBoolean() ? text(random) : new Utf8(text(random)));
        byte[] blob = new byte[random.nextInt(40)];
        random.nextBytes(blob);
        r.put("blob", ByteBuffer.wrap(blob));
        byte[] hash = new byte[4];
        random.nextBytes(hash);
        Schema.Field hashField = EVERYTHING.getField("hash");
        r.put("hash", new GenericData.Fixed(hashField.schema(), hash));
        Schema colour = EVERYTHING.getField("colour").schema();
        r.put("colour", new GenericData.EnumSymbol(colour, colour.getEnumSymbols().get(random.nextInt(3))));
        r.put("price", new BigDecimal(BigInteger.valueOf(random.nextLong() % 1_000_000_000L), 2));
        r.put("at", Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L));
        r.put("atMicros", Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000) * 1_000L));
        r.put("day", LocalDate.ofEpochDay(random.nextInt(40_000) - 20_000));
        Schema nestedSchema = EVERYTHING.getField("nested").schema();
        GenericRecord nested = new GenericData.Record(nestedSchema);
        nested.put("name", text(random));
        nested.put("maybe", random.nextBoolean() ? null : random.nextLong());
        r.put("nested", nested);
        r.put("maybeText", random.nextBoolean() ? null : text(random));
        r.put("textOrNull", random.nextBoolean() ? null : text(random));
        r.put("maybeNested", random.nextBoolean() ? null : nested);
        r.put("maybePrice", random.nextBoolean() ? null : new BigDecimal(BigInteger.valueOf(random.nextInt(1_999_999_999) - 999_999_999), 3));
        r.put("maybeAt", random.nextBoolean() ? null : Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L));
        r.put("nothing", null);
        return r;
    }

    /** Text of ASCII, accented letters, CJK and an emoji (a surrogate pair), or empty. */
    private static String text(Random random) {
        String[] parts = {"o", "42", "é", "ß", "披萨", "🍕", "-", "|", "%"};
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(parts[random.nextInt(parts.length)]);
        }
        return b.toString();
    }
}
