package io.datamesh.serde;

import java.io.IOException;

import org.apache.avro.io.Encoder;

/**
 * An Avro encoder writing into its own growing byte array, one per thread and reused record after
 * record: a direct encoder writes every varint byte through a synchronized stream, a buffered one
 * copies its buffer out at every flush, and a new encoder per record allocates its buffer each time.
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

    private final ArrayEncoder encoder = new ArrayEncoder();
    private boolean inUse;

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
            // Whatever a record that failed half-way left is forgotten here.
            e.encoder.reset();
            writer.write(e.encoder);
            return e.encoder.toByteArray();
        } finally {
            e.inUse = false;
        }
    }
}
