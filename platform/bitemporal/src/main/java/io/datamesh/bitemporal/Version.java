package io.datamesh.bitemporal;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of an entity in a bitemporal view.
 *
 * @param entity the entity key
 * @param validFrom business time from which the version holds
 * @param recordedAt time the platform recorded it
 * @param operation upsert, delete (end of validity) or correction
 * @param value the record; never null unless the operation is {@link Operation#DELETE}. A delete may
 *              carry the record that ended the entity (its identity, e.g. its source position);
 *              stores keep only a delete's operation, so a delete read from a store has none
 * @param <V> the record type (for products: the whole enveloped record)
 */
public record Version<V>(String entity, Instant validFrom, Instant recordedAt, Operation operation, V value) {

    public Version {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(operation, "operation");
        if (operation.hasValue() && value == null) {
            throw new IllegalArgumentException(operation + " version of " + entity + " at validFrom=" + validFrom + " needs a value");
        }
    }

    /** A value that holds from {@code validFrom}, recorded at {@code recordedAt}. */
    public static <V> Version<V> upsert(String entity, Instant validFrom, Instant recordedAt, V value) {
        return new Version<>(entity, validFrom, recordedAt, Operation.UPSERT, value);
    }

    /** The end of the entity's validity at {@code validFrom}. */
    public static <V> Version<V> delete(String entity, Instant validFrom, Instant recordedAt) {
        return new Version<>(entity, validFrom, recordedAt, Operation.DELETE, null);
    }

    /** The store key of this version. */
    public BitemporalKey key() {
        return new BitemporalKey(entity, validFrom.toEpochMilli(), recordedAt.toEpochMilli());
    }
}
