package io.datamesh.serde;

import java.util.Arrays;

import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * Avro's binary encoding written straight into a growing byte array: the bytes of
 * {@code EncoderFactory}'s encoders (a differential test pins that), without the buffered encoder's
 * own buffer and the copy out of it at every flush. Not thread-safe; {@link Encoding} keeps one per
 * thread and reuses it record after record.
 */
final class ArrayEncoder extends BinaryEncoder {

    private byte[] buf = new byte[512];
    private int count;

    /** Forgets what was written: the next record starts at the beginning. */
    void reset() {
        count = 0;
    }

    /** A copy of what was written since the last {@link #reset}. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    @Override
    public void writeBoolean(boolean b) {
        ensure(1);
        buf[count++] = (byte) (b ? 1 : 0);
    }

    @Override
    public void writeInt(int n) {
        ensure(5);
        count += BinaryData.encodeInt(n, buf, count);
    }

    @Override
    public void writeLong(long n) {
        ensure(10);
        count += BinaryData.encodeLong(n, buf, count);
    }

    @Override
    public void writeFloat(float f) {
        ensure(4);
        count += BinaryData.encodeFloat(f, buf, count);
    }

    @Override
    public void writeDouble(double d) {
        ensure(8);
        count += BinaryData.encodeDouble(d, buf, count);
    }

    /**
     * A string of ASCII characters (column values and names mostly are) written char by char, its
     * length first (one byte a character); anything else as Avro writes it (UTF-8 through an array).
     */
    @Override
    public void writeString(String s) throws java.io.IOException {
        int n = s.length();
        int start = count;
        ensure(5 + n);
        int at = start + BinaryData.encodeInt(n, buf, start);
        byte[] b = buf;
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                count = start;
                super.writeString(s);
                return;
            }
            b[at + k] = (byte) c;
        }
        count = at + n;
    }

    @Override
    public void writeFixed(byte[] bytes, int start, int len) {
        ensure(len);
        System.arraycopy(bytes, start, buf, count, len);
        count += len;
    }

    @Override
    protected void writeZero() {
        ensure(1);
        buf[count++] = 0;
    }

    /** Nothing waits to be flushed: every byte is in the array as soon as it is written. */
    @Override
    public int bytesBuffered() {
        return 0;
    }

    @Override
    public void flush() {
        // Nothing to flush.
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }
}
