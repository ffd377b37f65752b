package io.datamesh.bitemporal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read side of a bitemporal view: as-of lookups, histories and as-of ranges over a key-value store
 * whose keys are {@link BitemporalKey}s. It reads any {@link ReadOnlyKeyValueStore}: the one a
 * processor writes, or the one interactive queries hand out.
 *
 * <p><b>As-of semantics</b> (DESIGN): {@code asOf(e, validAt, knownAt)} is, among the versions of
 * {@code e} with {@code recordedAt <= knownAt}, the one with the greatest {@code validFrom <= validAt},
 * ties broken by the latest {@code recordedAt}; a delete there means "no value".
 *
 * <p><b>Cost.</b> The lookup iterates backwards from the key {@code (e, validAt, knownAt)}: the first
 * key it meets is the answer unless it was recorded after {@code knownAt}; in that case it seeks
 * again to {@code (e, thatValidFrom, knownAt)}. So a lookup is one seek when the versions at
 * {@code validAt} were known by {@code knownAt} (always so for {@code knownAt} = now), and in any
 * case at most one seek per valid time recorded after {@code knownAt} — never a scan of the history.
 *
 * <p><b>Any instant is a question with an exact answer.</b> A store key holds its times as epoch
 * milliseconds in a {@code long}, from {@link #FIRST} to {@link #LAST}; an {@link Instant} reaches
 * much further. Every method here answers for any instant, exactly, without rounding the question
 * into a different one: a {@code validAt} or {@code knownAt} after {@link #LAST} is later than every
 * version (as {@code knownAt}: everything recorded), one before {@link #FIRST} earlier than every
 * version (nothing was valid or known yet, so there is no answer); a fraction of a millisecond is
 * rounded down, which answers the same, since every version's times are whole milliseconds. A null
 * argument is refused with a {@link NullPointerException} that names it.
 */
public class BitemporalView<V> {

    /** The earliest time a store key holds: {@code Long.MIN_VALUE} epoch ms, in the year -292275055. */
    public static final Instant FIRST = Instant.ofEpochMilli(Long.MIN_VALUE);
    /** The latest time a store key holds: {@code Long.MAX_VALUE} epoch ms, in the year +292278994. */
    public static final Instant LAST = Instant.ofEpochMilli(Long.MAX_VALUE);

    /**
     * Appended to a key's times: above every tie-break a store appends there ({@link BitemporalKey#encode(String, long,
     * long, byte[])}), whose first byte is never 0xFF. Of versions with equal times, a lookup returns the one
     * with the greatest tie-break.
     */
    static final byte[] ABOVE_TIEBREAKS = {(byte) 0xFF};

    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;
    final VersionCodec<V> codec;

    /**
     * @param store the store holding the versions
     * @param serde serde of the stored records
     * @param topic topic name handed to the serde (e.g. the product topic the view materializes)
     */
    public BitemporalView(ReadOnlyKeyValueStore<Bytes, byte[]> store, Serde<V> serde, String topic) {
        this.store = Objects.requireNonNull(store, "store");
        this.codec = new VersionCodec<>(Objects.requireNonNull(serde, "serde"), Objects.requireNonNull(topic, "topic"));
    }

    /**
     * The version in force for {@code entity} at {@code validAt}, as known at {@code knownAt}; a
     * delete version when the entity had ended; empty when no version qualifies.
     */
    public Optional<Version<V>> asOfVersion(String entity, Instant validAt, Instant knownAt) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(validAt, "validAt");
        Objects.requireNonNull(knownAt, "knownAt");
        if (validAt.isBefore(FIRST) || knownAt.isBefore(FIRST)) {
            return Optional.empty(); // nothing was valid, or nothing was known, that early
        }
        long valid = floorMillis(validAt);
        long known = floorMillis(knownAt);
        Bytes low = BitemporalKey.first(entity);
        Bytes high = BitemporalKey.encode(entity, valid, known, ABOVE_TIEBREAKS);
        while (true) {
            try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(low, high)) {
                if (!it.hasNext()) {
                    return Optional.empty();
                }
                KeyValue<Bytes, byte[]> kv = it.next();
                BitemporalKey k = BitemporalKey.decode(kv.key);
                if (k.recordedAt() <= known) {
                    return Optional.of(codec.decode(kv.key, kv.value));
                }
                // The top of an older valid-time group was recorded after knownAt: jump to its part known by then.
                high = BitemporalKey.encode(entity, k.validFrom(), known, ABOVE_TIEBREAKS);
            }
        }
    }

    /** The value in force for {@code entity} at {@code validAt} as known at {@code knownAt}; empty if none or deleted. */
    public Optional<Version<V>> asOf(String entity, Instant validAt, Instant knownAt) {
        return asOfVersion(entity, validAt, knownAt).filter(v -> v.operation().hasValue());
    }

    /** The version stored at exactly these coordinates (no tie-break), if any. */
    public Optional<Version<V>> version(String entity, Instant validFrom, Instant recordedAt) {
        Bytes key = new BitemporalKey(entity, validFrom.toEpochMilli(), recordedAt.toEpochMilli()).encode();
        byte[] value = store.get(key);
        return value == null ? Optional.empty() : Optional.of(codec.decode(key, value));
    }

    /** Every version of {@code entity}, in the given order. */
    public List<Version<V>> history(String entity, HistoryOrder order) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(order, "order");
        List<Version<V>> versions = new ArrayList<>();
        // Up to after(entity), not last(entity): keys with a tie-break sort after (entity, MAX, MAX).
        try (KeyValueIterator<Bytes, byte[]> it = store.range(BitemporalKey.first(entity), BitemporalKey.after(entity))) {
            it.forEachRemaining(kv -> versions.add(codec.decode(kv.key, kv.value)));
        }
        if (order == HistoryOrder.RECORDED) {
            versions.sort(Comparator.comparing((Version<V> v) -> v.recordedAt()).thenComparing(Version::validFrom));
        }
        return versions;
    }

    /**
     * The versions of {@code entity} at exactly {@code validFrom} recorded after {@code recordedAfter},
     * in recorded order: one seek, then only those versions. A {@code validFrom} that is not a whole
     * millisecond from {@link #FIRST} to {@link #LAST} has none.
     */
    public List<Version<V>> recordedAfter(String entity, Instant validFrom, Instant recordedAfter) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(recordedAfter, "recordedAfter");
        List<Version<V>> versions = new ArrayList<>();
        if (validFrom.isBefore(FIRST) || validFrom.isAfter(LAST) || validFrom.getNano() % 1_000_000 != 0) {
            return versions;
        }
        long valid = validFrom.toEpochMilli();
        long first; // the earliest recordedAt after recordedAfter
        if (recordedAfter.isBefore(FIRST)) {
            first = Long.MIN_VALUE;
        } else {
            long after = floorMillis(recordedAfter);
            if (after == Long.MAX_VALUE) {
                return versions; // nothing is recorded after the last time a key holds
            }
            first = after + 1;
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.range(new BitemporalKey(entity, valid, first).encode(),
                BitemporalKey.encode(entity, valid, Long.MAX_VALUE, ABOVE_TIEBREAKS))) {
            it.forEachRemaining(kv -> versions.add(codec.decode(kv.key, kv.value)));
        }
        return versions;
    }

    /**
     * The live values of the entities in {@code [fromEntity, toEntity)} at {@code validAt} as known at
     * {@code knownAt}, in entity order, at most {@code limit} of them. Entities without a value then
     * (none yet, or deleted) are skipped. {@code toEntity} null means no upper bound.
     */
    public List<Version<V>> rangeAsOf(String fromEntity, String toEntity, Instant validAt, Instant knownAt, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        List<Version<V>> out = new ArrayList<>();
        Objects.requireNonNull(validAt, "validAt");
        Objects.requireNonNull(knownAt, "knownAt");
        if (validAt.isBefore(FIRST) || knownAt.isBefore(FIRST)) {
            return out; // nothing was valid, or nothing was known, that early
        }
        Bytes cursor = BitemporalKey.first(fromEntity == null ? "" : fromEntity);
        Bytes end = toEntity == null ? Bytes.wrap(new byte[] {(byte) 0xFF}) : BitemporalKey.first(toEntity);
        if (cursor.compareTo(end) > 0) {
            return out; // an empty range (a store would warn of it in its log, once per question)
        }
        while (out.size() < limit) {
            String entity;
            try (KeyValueIterator<Bytes, byte[]> it = store.range(cursor, end)) {
                if (!it.hasNext()) {
                    break;
                }
                entity = BitemporalKey.decode(it.next().key).entity();
            }
            if (toEntity != null && entity.compareTo(toEntity) >= 0 && BitemporalKey.first(entity).compareTo(end) >= 0) {
                break;
            }
            asOf(entity, validAt, knownAt).ifPresent(out::add);
            cursor = BitemporalKey.after(entity);
        }
        return out;
    }

    /**
     * The first entity after {@code entity} that has any version, or empty: how a caller pages a
     * range (the next page starts there).
     */
    public Optional<String> nextEntity(String entity) {
        Objects.requireNonNull(entity, "entity");
        try (KeyValueIterator<Bytes, byte[]> it = store.range(BitemporalKey.after(entity), Bytes.wrap(new byte[] {(byte) 0xFF}))) {
            return it.hasNext() ? Optional.of(BitemporalKey.decode(it.next().key).entity()) : Optional.empty();
        }
    }

    /** {@code t} in epoch ms, rounded down; {@code Long.MAX_VALUE} after {@link #LAST}. {@code t} is not before {@link #FIRST}. */
    private static long floorMillis(Instant t) {
        return t.isAfter(LAST) ? Long.MAX_VALUE : t.toEpochMilli(); // toEpochMilli rounds down, negative times too
    }
}
