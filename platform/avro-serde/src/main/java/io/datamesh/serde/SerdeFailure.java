package io.datamesh.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that cannot be read, or a record that cannot be written, with a machine-readable reason so
 * that the runtime can file it in the DLQ under that reason.
 */
public final class SerdeFailure extends SerializationException {

    /** Why. */
    public enum Reason {
        BAD_MAGIC_BYTE, TOO_SHORT, UNKNOWN_SCHEMA_ID, CORRUPT_AVRO, SCHEMA_NOT_REGISTERED, REGISTRY_UNAVAILABLE, NOT_AVRO
    }

    private final Reason reason;

    public SerdeFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
