package io.datamesh.serde;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Finds one top-level field's value inside a record's Avro binary encoding without decoding the
 * record: the fields before it are skipped by their (writer) schema. For a union field it gives the
 * value of the branch written, without the branch index, and nothing when the branch is null.
 *
 * <p>The platform hashes a product's payload this way, exactly as it was written: a reader on a
 * newer or older schema would encode what it decoded differently.
 */
public final class FieldLocator {

    private final List<Schema> before;
    private final Schema field;

    private FieldLocator(List<Schema> before, Schema field) {
        this.before = before;
        this.field = field;
    }

    /** A locator of {@code fieldName} in records written with {@code record}, a record schema. */
    public static FieldLocator of(Schema record, String fieldName) {
        if (record.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(record.getFullName() + " is not a record schema");
        }
        Schema.Field f = record.getField(fieldName);
        if (f == null) {
            throw new IllegalArgumentException(record.getFullName() + " has no field '" + fieldName + "'");
        }
        List<Schema> before = record.getFields().subList(0, f.pos()).stream().map(Schema.Field::schema).toList();
        return new FieldLocator(before, f.schema());
    }

    /**
     * The field's value in the record encoded in {@code bytes} from {@code offset} on: a buffer over
     * {@code bytes} (no copy) from the value's first byte to its last; {@code null} when the field is
     * a union whose null branch was written.
     *
     * @throws IllegalArgumentException if the bytes end before the field does
     */
    public ByteBuffer locate(byte[] bytes, int offset) {
        Cursor in = new Cursor(bytes, offset);
        try {
            for (Schema s : before) {
                in.skip(s);
            }
            Schema value = field;
            if (value.getType() == Schema.Type.UNION) {
                value = value.getTypes().get(in.readIndex());
                if (value.getType() == Schema.Type.NULL) {
                    return null;
                }
            }
            int start = in.pos;
            in.skip(value);
            return ByteBuffer.wrap(bytes, start, in.pos - start);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the record ends before its field " + describe() + " does", e);
        }
    }

    private String describe() {
        return field.getType() == Schema.Type.UNION ? "(a union)" : "of type " + field.getType().getName();
    }

    /** A read position in Avro binary; each read moves it past what it read. */
    private static final class Cursor {
        private final byte[] bytes;
        private int pos;

        Cursor(byte[] bytes, int pos) {
            this.bytes = bytes;
            this.pos = pos;
        }

        /** A zig-zag varint (int and long are encoded alike). */
        long readLong() {
            long raw = 0;
            int shift = 0;
            byte b;
            do {
                if (shift > 63) {
                    throw new IndexOutOfBoundsException("varint longer than 10 bytes at " + pos);
                }
                b = bytes[pos++];
                raw |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            return (raw >>> 1) ^ -(raw & 1);
        }

        int readIndex() {
            long index = readLong();
            if (index < 0 || index > Integer.MAX_VALUE) {
                throw new IndexOutOfBoundsException("union index " + index);
            }
            return (int) index;
        }

        void skipBytes(long n) {
            if (n < 0 || n > bytes.length - pos) {
                throw new IndexOutOfBoundsException("length " + n + " at " + pos);
            }
            pos += (int) n;
        }

        void skip(Schema s) {
            switch (s.getType()) {
                case NULL -> {
                }
                case BOOLEAN -> skipBytes(1);
                case INT, LONG, ENUM -> readLong();
                case FLOAT -> skipBytes(4);
                case DOUBLE -> skipBytes(8);
                case STRING, BYTES -> skipBytes(readLong());
                case FIXED -> skipBytes(s.getFixedSize());
                case UNION -> skip(s.getTypes().get(readIndex()));
                case RECORD -> {
                    for (Schema.Field f : s.getFields()) {
                        skip(f.schema());
                    }
                }
                case ARRAY -> skipBlocks(s.getElementType(), false);
                case MAP -> skipBlocks(s.getValueType(), true);
            }
        }

        /** Arrays and maps: blocks of items, a negative count followed by the block's size in bytes, a zero count at the end. */
        private void skipBlocks(Schema item, boolean keyed) {
            for (long count = readLong(); count != 0; count = readLong()) {
                if (count < 0) {
                    skipBytes(readLong());
                    continue;
                }
                for (long i = 0; i < count; i++) {
                    if (keyed) {
                        skipBytes(readLong());
                    }
                    skip(item);
                }
            }
        }
    }
}
