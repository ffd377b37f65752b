package io.datamesh.bitemporal;

import java.time.Instant;
import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Write side of a bitemporal view, for the processor that owns the store. A version is put under
 * its own key and nothing is ever overwritten except by the same (entity, validFrom, recordedAt):
 * an exact replay of a version, which is what makes replays after a crash idempotent.
 */
public final class BitemporalStore<V> extends BitemporalView<V> {

    private final KeyValueStore<Bytes, byte[]> store;

    public BitemporalStore(KeyValueStore<Bytes, byte[]> store, Serde<V> serde, String topic) {
        super(store, serde, topic);
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Stores a version.
     *
     * @return true if it was new, false if a version with the same coordinates was there already
     *         (a replay; the stored bytes are then replaced by the same version's bytes)
     */
    public boolean put(Version<V> version) {
        Bytes key = version.key().encode();
        byte[] previous = store.get(key);
        store.put(key, codec.encodeValue(version));
        return previous == null;
    }

    /**
     * Stores a version under its key with {@code tiebreak} appended (see
     * {@link BitemporalKey#encode(String, long, long, byte[])}): for stores that keep apart versions
     * with equal times.
     *
     * @return true if it was new, false if the same key was there already (a replay)
     */
    public boolean put(Version<V> version, byte[] tiebreak) {
        Bytes key = BitemporalKey.encode(version.entity(), version.validFrom().toEpochMilli(), version.recordedAt().toEpochMilli(), tiebreak);
        byte[] previous = store.get(key);
        store.put(key, codec.encodeValue(version));
        return previous == null;
    }

    /** The version stored with these coordinates and {@code tiebreak}, if any. */
    public java.util.Optional<Version<V>> at(String entity, Instant validFrom, Instant recordedAt, byte[] tiebreak) {
        Bytes key = BitemporalKey.encode(entity, validFrom.toEpochMilli(), recordedAt.toEpochMilli(), tiebreak);
        byte[] value = store.get(key);
        return value == null ? java.util.Optional.empty() : java.util.Optional.of(codec.decode(key, value));
    }

    /** Whether the version with these coordinates and {@code tiebreak} is stored. */
    public boolean contains(String entity, Instant validFrom, Instant recordedAt, byte[] tiebreak) {
        return store.get(BitemporalKey.encode(entity, validFrom.toEpochMilli(), recordedAt.toEpochMilli(), tiebreak)) != null;
    }

    /** Removes the version with these coordinates and {@code tiebreak}, if stored. */
    public void remove(String entity, Instant validFrom, Instant recordedAt, byte[] tiebreak) {
        store.delete(BitemporalKey.encode(entity, validFrom.toEpochMilli(), recordedAt.toEpochMilli(), tiebreak));
    }

    /**
     * Stores a version without asking whether it was there: for writers that do not need to know
     * (a replay of a version writes the same bytes again), one store read fewer per version.
     */
    public void write(Version<V> version) {
        store.put(version.key().encode(), codec.encodeValue(version));
    }

    /**
     * The same for a version whose record is already in the bytes the view's serde writes (a view
     * reading its product stores the bytes it read, without decoding them).
     *
     * @param serialized the record's bytes; ignored for a delete
     */
    public void write(String entity, long validFrom, long recordedAt, Operation operation, byte[] serialized) {
        store.put(new BitemporalKey(entity, validFrom, recordedAt).encode(), VersionCodec.encodeValue(operation, serialized));
    }

    /**
     * The same with a tie-break: versions with equal times stay apart, and a lookup returns the one with
     * the greatest tie-break ({@link BitemporalKey#encode(String, long, long, byte[])}; its first byte must
     * not be 0xFF).
     */
    public void write(String entity, long validFrom, long recordedAt, byte[] tiebreak, Operation operation, byte[] serialized) {
        store.put(BitemporalKey.encode(entity, validFrom, recordedAt, tiebreak), VersionCodec.encodeValue(operation, serialized));
    }
}
