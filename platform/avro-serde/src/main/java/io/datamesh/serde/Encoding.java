package io.datamesh.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A buffered Avro encoder and its growing byte buffer, one per thread and reused record after
 * record: a direct encoder writes every varint byte through a synchronized stream, and a new
 * encoder per record allocates its buffer each time.
 */
final class Encoding {

    /** What is written for one record. */
    @FunctionalInterface
    interface Writer {
        void write(Encoder out) throws IOException;

        /** Writes a value of a type. */
        @FunctionalInterface
        interface Of<T> {
            void write(T value, Encoder out) throws IOException;
        }
    }

    private static final ThreadLocal<Encoding> PER_THREAD = ThreadLocal.withInitial(Encoding::new);

    private final Bytes bytes = new Bytes();
    private BinaryEncoder encoder;
    private boolean inUse;
    /** Whether the last record failed half-way: the encoder may hold some of its bytes. */
    private boolean dirty;

    private Encoding() {
    }

    /** The bytes {@code writer} encodes. */
    static byte[] encode(Writer writer) throws IOException {
        Encoding e = PER_THREAD.get();
        if (e.inUse) {
            e = new Encoding(); // an encoding within an encoding: rare, and never sharing the buffer
        }
        e.inUse = true;
        try {
            if (e.encoder == null || e.dirty) {
                // Reconfiguring flushes what a failed record left in the encoder: the buffer is reset after.
                // Otherwise the encoder stays bound to the buffer (configuring allocates a sink per call).
                e.encoder = EncoderFactory.get().binaryEncoder(e.bytes, e.encoder);
            }
            e.bytes.reset();
            e.dirty = true;
            writer.write(e.encoder);
            e.encoder.flush();
            e.dirty = false;
            return e.bytes.toByteArray();
        } finally {
            e.inUse = false;
        }
    }

    /** An unsynchronized byte array output stream. */
    private static final class Bytes extends OutputStream {
        private byte[] buf = new byte[512];
        private int count;

        void reset() {
            count = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }
    }
}
