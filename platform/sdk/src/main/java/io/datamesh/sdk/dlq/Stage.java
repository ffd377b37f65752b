package io.datamesh.sdk.dlq;

/** Where in a domain's pipeline a record was rejected. Written to the DLQ header {@code mesh.dlq.stage}. */
public enum Stage {
    /** The record's bytes could not be read (bad magic byte, unknown schema id, corrupt Avro, bad JSON). */
    DESERIALIZE,
    /** The domain's mapping threw, or produced something invalid (no key, no valid time). */
    MAP,
    /** A check of what the record claims failed: its content hash, or a recordedAt in the future. */
    VERIFY,
    /** The output record could not be serialized or written (too large, schema refused). */
    PRODUCE;

    /** Lowercase name, as written in headers and metric tags. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
