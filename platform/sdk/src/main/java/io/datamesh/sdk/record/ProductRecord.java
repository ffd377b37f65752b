package io.datamesh.sdk.record;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.SourcePosition;

/**
 * A public product record: DESIGN's envelope around the product's own payload.
 *
 * @param key the entity key
 * @param validFrom business time the fact took effect
 * @param recordedAt when the platform recorded it (from the source, never the processing clock)
 * @param operation upsert, delete (end of validity) or correction of a past valid time
 * @param source the source position; replays of it produce nothing new
 * @param contentHash SHA-256 of the payload's canonical encoding, set once at ingestion
 * @param payload the product's payload; null for a delete
 */
public record ProductRecord<P>(String key, Instant validFrom, Instant recordedAt, Operation operation,
                               SourcePosition source, byte[] contentHash, P payload) {

    public ProductRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(contentHash, "contentHash");
        if (contentHash.length != 32) {
            throw new IllegalArgumentException("contentHash of " + key + " must be 32 bytes (SHA-256), was " + contentHash.length);
        }
        if (operation.hasValue() != (payload != null)) {
            throw new IllegalArgumentException(operation + " record of " + key + (payload == null ? " needs a payload" : " must not carry a payload"));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProductRecord<?> r && key.equals(r.key) && validFrom.equals(r.validFrom)
                && recordedAt.equals(r.recordedAt) && operation == r.operation && source.equals(r.source)
                && Arrays.equals(contentHash, r.contentHash) && Objects.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, validFrom, recordedAt, operation, source, Arrays.hashCode(contentHash), payload);
    }

    @Override
    public String toString() {
        return "ProductRecord[key=" + key + ", validFrom=" + validFrom + ", recordedAt=" + recordedAt + ", operation="
                + operation + ", source=" + source + ", contentHash=" + java.util.HexFormat.of().formatHex(contentHash)
                + ", payload=" + payload + "]";
    }
}
