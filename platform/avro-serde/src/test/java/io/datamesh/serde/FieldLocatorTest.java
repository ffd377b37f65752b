package io.datamesh.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The located bytes are exactly the field's value as encoded alone, whatever the fields before it hold. */
class FieldLocatorTest {

    private static final Schema RECORD = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "namespace": "t", "fields": [
              {"name": "nul", "type": "null"},
              {"name": "flag", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "string"},
              {"name": "b", "type": "bytes"},
              {"name": "fx", "type": {"type": "fixed", "name": "Three", "size": 3}},
              {"name": "e", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN", "BLUE"]}},
              {"name": "u", "type": ["null", "long", "string"]},
              {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
                {"name": "n", "type": "int"}, {"name": "s", "type": "string"}]}},
              {"name": "list", "type": {"type": "array", "items": "t.Inner"}},
              {"name": "map", "type": {"type": "map", "values": "long"}},
              {"name": "payload", "type": ["null", "t.Inner"]},
              {"name": "after", "type": "string"}
            ]}""");

    private static final Schema INNER_T = RECORD.getField("inner").schema();

    @Test
    void findsTheFieldBehindEveryKindOfValue() throws IOException {
        Random random = new Random(7);
        FieldLocator locator = FieldLocator.of(RECORD, "payload");
        for (int n = 0; n < 500; n++) {
            GenericRecord record = randomRecord(random);
            // Blocked encoding writes arrays and maps in blocks with their sizes: the other form a writer may use.
            boolean blocked = n % 2 == 1;
            byte[] prefix = new byte[n % 7];
            byte[] bytes = concat(prefix, encode(RECORD, record, blocked));
            ByteBuffer located = locator.locate(bytes, prefix.length);
            GenericRecord payload = (GenericRecord) record.get("payload");
            if (payload == null) {
                assertThat(located).isNull();
            } else {
                assertThat(located.array()).isSameAs(bytes);
                assertThat(remaining(located)).isEqualTo(encode(INNER_T, payload, false));
            }
        }
    }

    @Test
    void severalFieldsAreFoundInOnePassInAnyOrderAndRead() throws IOException {
        Random random = new Random(11);
        FieldLocator locator = FieldLocator.of(RECORD, "payload", "s", "l", "e", "u");
        int[] spans = new int[10];
        for (int n = 0; n < 200; n++) {
            GenericRecord record = randomRecord(random);
            byte[] bytes = encode(RECORD, record, n % 2 == 1);
            locator.locate(bytes, 0, spans);
            assertThat(FieldLocator.readString(bytes, spans[2])).isEqualTo(record.get("s"));
            assertThat(spans[3] - spans[2]).isEqualTo(encode(Schema.create(Schema.Type.STRING), record.get("s"), false).length);
            assertThat(FieldLocator.readLong(bytes, spans[4])).isEqualTo(record.get("l"));
            assertThat(locator.schema(3).getEnumSymbols().get((int) FieldLocator.readLong(bytes, spans[6])))
                    .isEqualTo(record.get("e").toString());
            Object u = record.get("u");
            if (u == null) {
                assertThat(spans[8]).isEqualTo(-1);
            } else if (u instanceof Long l) {
                assertThat(FieldLocator.readLong(bytes, spans[8])).isEqualTo(l);
            } else {
                assertThat(FieldLocator.readString(bytes, spans[8])).isEqualTo(u);
            }
            assertThat(spans[0] < 0).isEqualTo(record.get("payload") == null);
        }
    }

    @Test
    void aFieldThatIsNotAUnionIsItsOwnEncoding() throws IOException {
        GenericRecord record = randomRecord(new Random(1));
        byte[] bytes = encode(RECORD, record, false);
        assertThat(remaining(FieldLocator.of(RECORD, "after").locate(bytes, 0)))
                .isEqualTo(encode(Schema.create(Schema.Type.STRING), record.get("after"), false));
        assertThat(remaining(FieldLocator.of(RECORD, "nul").locate(bytes, 0))).isEmpty();
    }

    @Test
    void truncatedBytesAndUnknownFieldsAreRefused() throws IOException {
        GenericRecord record = randomRecord(new Random(3));
        record.put("payload", new GenericData.Record(INNER_T));
        ((GenericRecord) record.get("payload")).put("n", 1);
        ((GenericRecord) record.get("payload")).put("s", "some text");
        byte[] bytes = encode(RECORD, record, false);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - "after".length() - 4);
        assertThatThrownBy(() -> FieldLocator.of(RECORD, "payload").locate(cut, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends before its field");
        assertThatThrownBy(() -> FieldLocator.of(RECORD, "nope")).hasMessage("t.Everything has no field 'nope'");
        assertThatThrownBy(() -> FieldLocator.of(INNER_T.getField("s").schema(), "x")).hasMessageContaining("not a record schema");
    }

    private static GenericRecord randomRecord(Random r) {
        GenericRecord g = new GenericData.Record(RECORD);
        g.put("nul", null);
        g.put("flag", r.nextBoolean());
        g.put("i", r.nextInt());
        g.put("l", r.nextLong() >> r.nextInt(64));
        g.put("f", r.nextFloat());
        g.put("d", r.nextDouble());
        g.put("s", text(r));
        byte[] b = new byte[r.nextInt(300)];
        r.nextBytes(b);
        g.put("b", ByteBuffer.wrap(b));
        g.put("fx", new GenericData.Fixed(RECORD.getField("fx").schema(), new byte[] {1, 2, 3}));
        g.put("e", new GenericData.EnumSymbol(RECORD.getField("e").schema(), List.of("RED", "GREEN", "BLUE").get(r.nextInt(3))));
        g.put("u", switch (r.nextInt(3)) {
            case 0 -> null;
            case 1 -> r.nextLong();
            default -> text(r);
        });
        g.put("inner", inner(r));
        List<GenericRecord> list = new ArrayList<>();
        for (int i = r.nextInt(40); i > 0; i--) {
            list.add(inner(r));
        }
        g.put("list", list);
        Map<String, Long> map = new HashMap<>();
        for (int i = r.nextInt(40); i > 0; i--) {
            map.put(text(r) + i, r.nextLong());
        }
        g.put("map", map);
        g.put("payload", r.nextInt(4) == 0 ? null : inner(r));
        g.put("after", "after");
        return g;
    }

    private static GenericRecord inner(Random r) {
        GenericRecord g = new GenericData.Record(INNER_T);
        g.put("n", r.nextInt());
        g.put("s", text(r));
        return g;
    }

    private static String text(Random r) {
        return "é".repeat(r.nextInt(5)) + Long.toString(r.nextLong(), 36).repeat(r.nextInt(30));
    }

    private static byte[] encode(Schema schema, Object value, boolean blocked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoder encoder = blocked ? EncoderFactory.get().blockingBinaryEncoder(out, null) : EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
