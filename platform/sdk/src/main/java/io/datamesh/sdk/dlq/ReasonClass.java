package io.datamesh.sdk.dlq;

/**
 * The class of a dead letter's reason: a short, fixed name for metrics and filters. The reason
 * itself (free text, e.g. {@code mapping failed: expected 5 fields, got 2}) stays in the letter;
 * a metric labelled by it would grow a series per distinct message.
 */
public enum ReasonClass {
    /** The bytes could not be read: not JSON, bad magic byte, unknown schema id, corrupt Avro. */
    UNREADABLE("unreadable"),
    /** The source headers ({@code mesh.source}, {@code mesh.recorded.at}, {@code mesh.dlq.replay-of}) are malformed. */
    BAD_SOURCE_HEADERS("bad-source-headers"),
    /** A product record without a value. */
    TOMBSTONE("tombstone"),
    /** The team's mapping threw. */
    MAPPING_FAILED("mapping-failed"),
    /** The mapping or derivation emitted something invalid: no key, no valid time, no payload. */
    INVALID_OUTPUT("invalid-output"),
    /** The team's derivation threw. */
    DERIVATION_FAILED("derivation-failed"),
    /** The group of a record could not be found (a derivation's regroup function). */
    GROUPING_FAILED("grouping-failed"),
    /** An aggregate's function (group, bucket time, contribution, payload) threw. */
    AGGREGATION_FAILED("aggregation-failed"),
    /** The payload's content hash does not match the one set at ingestion. */
    HASH_MISMATCH("content-hash-mismatch"),
    /** The record's recordedAt lies further ahead of the platform's clock than a clock can be wrong. */
    RECORDED_AT_IN_FUTURE("recorded-at-in-future"),
    /** The product record is over the size limit. */
    TOO_LARGE("too-large"),
    /** The output could not be serialized or written. */
    NOT_WRITABLE("not-writable");

    private final String tag;

    ReasonClass(String tag) {
        this.tag = tag;
    }

    /** As written in the header {@code mesh.dlq.reason.class} and the metric label {@code reason}. */
    public String tag() {
        return tag;
    }

    /** The class of a stage's failures when nothing more precise is known. */
    static ReasonClass of(Stage stage) {
        return switch (stage) {
            case DESERIALIZE -> UNREADABLE;
            case MAP -> MAPPING_FAILED;
            case VERIFY -> HASH_MISMATCH;
            case PRODUCE -> NOT_WRITABLE;
        };
    }
}
