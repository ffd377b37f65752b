package io.datamesh.serde;

import java.nio.ByteBuffer;

import org.apache.avro.Schema;

/**
 * Finds top-level fields' values inside a record's Avro binary encoding without decoding the
 * record: the fields before them are skipped by their (writer) schema. For a union field it gives
 * the value of the branch written, without the branch index, and nothing when the branch is null.
 *
 * <p>The platform hashes a product's payload this way, exactly as it was written: a reader on a
 * newer or older schema would encode what it decoded differently.
 */
public final class FieldLocator {

    /** The schemas of the record's fields, up to the last one wanted. */
    private final Schema[] fields;
    /** For each of those fields, which wanted one it is, or -1. */
    private final int[] slots;
    private final Schema[] wanted;

    private FieldLocator(Schema[] fields, int[] slots, Schema[] wanted) {
        this.fields = fields;
        this.slots = slots;
        this.wanted = wanted;
    }

    /** A locator of the fields {@code fieldNames}, in any order, in records written with {@code record}, a record schema. */
    public static FieldLocator of(Schema record, String... fieldNames) {
        if (record.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(record.getFullName() + " is not a record schema");
        }
        int last = -1;
        Schema[] wanted = new Schema[fieldNames.length];
        for (int i = 0; i < fieldNames.length; i++) {
            Schema.Field f = record.getField(fieldNames[i]);
            if (f == null) {
                throw new IllegalArgumentException(record.getFullName() + " has no field '" + fieldNames[i] + "'");
            }
            wanted[i] = f.schema();
            last = Math.max(last, f.pos());
        }
        Schema[] fields = new Schema[last + 1];
        int[] slots = new int[last + 1];
        java.util.Arrays.fill(slots, -1);
        for (int pos = 0; pos <= last; pos++) {
            fields[pos] = record.getFields().get(pos).schema();
        }
        for (int i = 0; i < fieldNames.length; i++) {
            slots[record.getField(fieldNames[i]).pos()] = i;
        }
        return new FieldLocator(fields, slots, wanted);
    }

    /** The writer's schema of the {@code i}-th field wanted. */
    public Schema schema(int i) {
        return wanted[i];
    }

    /**
     * The first field's value in the record encoded in {@code bytes} from {@code offset} on: a buffer
     * over {@code bytes} (no copy) from the value's first byte to its last; {@code null} when the
     * field is a union whose null branch was written.
     *
     * @throws IllegalArgumentException if the bytes end before the field does
     */
    public ByteBuffer locate(byte[] bytes, int offset) {
        int[] spans = new int[2 * wanted.length];
        locate(bytes, offset, spans);
        return spans[0] < 0 ? null : ByteBuffer.wrap(bytes, spans[0], spans[1] - spans[0]);
    }

    /**
     * Where each wanted field's value lies in the record encoded in {@code bytes} from {@code offset}
     * on: for the {@code i}-th, {@code spans[2i]} is its first byte and {@code spans[2i + 1]} one past
     * its last. A union's span is the written branch's value, without the branch index, and -1, -1
     * when the branch is null.
     *
     * @throws IllegalArgumentException if the bytes end before the fields do
     */
    public void locate(byte[] bytes, int offset, int[] spans) {
        Cursor in = new Cursor(bytes, offset);
        try {
            for (int pos = 0; pos < fields.length; pos++) {
                int slot = slots[pos];
                if (slot < 0) {
                    in.skip(fields[pos]);
                    continue;
                }
                Schema value = fields[pos];
                if (value.getType() == Schema.Type.UNION) {
                    value = value.getTypes().get(in.readIndex());
                    if (value.getType() == Schema.Type.NULL) {
                        spans[2 * slot] = -1;
                        spans[2 * slot + 1] = -1;
                        continue;
                    }
                }
                spans[2 * slot] = in.pos;
                in.skip(value);
                spans[2 * slot + 1] = in.pos;
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the record ends before its field at position " + (fields.length - 1) + " does", e);
        }
    }

    /** An Avro {@code long} or {@code int} (or an enum's index) starting at {@code pos}. */
    public static long readLong(byte[] bytes, int pos) {
        return new Cursor(bytes, pos).readLong();
    }

    /** An Avro {@code string} starting at {@code pos}. */
    public static String readString(byte[] bytes, int pos) {
        Cursor in = new Cursor(bytes, pos);
        long length = in.readLong();
        int start = in.pos;
        in.skipBytes(length);
        return new String(bytes, start, (int) length, java.nio.charset.StandardCharsets.UTF_8);
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
