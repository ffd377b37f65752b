package io.datamesh.serde;

import java.nio.ByteBuffer;

/** Confluent's framing: magic byte 0, the schema id as 4 bytes big-endian, then Avro binary. */
public final class WireFormat {

    static final byte MAGIC = 0;
    /** Bytes before the Avro data: the magic byte and the schema id. */
    public static final int HEADER = 5;

    private WireFormat() {
    }

    /** The schema id of a record of {@code topic}; a {@link SerdeFailure} if the bytes are not in this format. */
    public static int schemaId(String topic, byte[] bytes) {
        if (bytes.length < HEADER) {
            throw new SerdeFailure(SerdeFailure.Reason.TOO_SHORT, "record of " + topic + " has " + bytes.length
                    + " bytes, fewer than the 5 of Confluent's wire format header", null);
        }
        if (bytes[0] != MAGIC) {
            throw new SerdeFailure(SerdeFailure.Reason.BAD_MAGIC_BYTE, String.format(
                    "record of %s starts with bad magic byte 0x%02x, expected 0x00 (Confluent wire format)", topic, bytes[0] & 0xFF), null);
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
