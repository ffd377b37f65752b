package io.datamesh.bitemporal.aggregate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import io.datamesh.bitemporal.BitemporalKey;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage one, partitioned by entity: keeps every version of each entity (as far as the aggregate
 * cares: its times, its identity and what it contributes to which bucket) and turns each new version
 * into the deltas that make the buckets right, whatever order the versions arrive in.
 *
 * <p><b>What is right.</b> As known at time t, an entity counts with its state at t: among its
 * versions recorded by t, the greatest by (validFrom, recordedAt, source order); nothing if that is
 * a delete or contributes nothing. So each entity has a contribution <em>timeline</em> over recorded
 * time, a step function. A delta (bucket, r, ±c) means "from r on, the bucket holds c more (less)";
 * stage two adds it to every version of the bucket from r on.
 *
 * <p><b>A new version v</b> changes the entity's timeline only from v's recordedAt on, and only where
 * v beats the state that held before. The deltas emitted are exactly the difference of the new
 * timeline and the old one, step by step: at v's recordedAt, and at each later recordedAt where the
 * old timeline stepped while v still won (its old step is taken back). Terms that cancel (the same
 * contribution leaving and entering one bucket at one time) are not emitted. A version with the same
 * times and source order as a stored one but another contribution (a correction in the place of an
 * earlier correction of the same coordinates) replaces it, by the same difference of timelines.
 *
 * <p><b>Cost.</b> A version recorded no earlier than every version of its entity seen so far (the
 * usual case, in order) needs the entity's head entry only: its current state and newest recordedAt.
 * A version that arrives behind a later-recorded one of the same entity (a DLQ replay, a correction
 * through another partition) reads the entity's versions. An exact replay (same times and source
 * order) emits nothing.
 *
 * <p><b>Store</b> ({@code <name>-entities}): per entity, a head at the entity's first key
 * ({@link BitemporalKey#encode()} of (entity, MIN, MIN)) and each version under its bitemporal key
 * with the version's source order as tie-break (never empty, so versions sort after the head).
 */
final class ContributionProcessor<V, C, A> implements Processor<String, Version<V>, String, Delta<C>> {

    private final AggregateDefinition<V, C, A> definition;
    private ProcessorContext<String, Delta<C>> context;
    private KeyValueStore<Bytes, byte[]> entities;

    ContributionProcessor(AggregateDefinition<V, C, A> definition) {
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<String, Delta<C>> context) {
        this.context = context;
        this.entities = context.getStateStore(definition.entitiesStore());
    }

    @Override
    public void process(Record<String, Version<V>> record) {
        Version<V> v = record.value();
        byte[] order = definition.sourceOrder().apply(v);
        if (order.length == 0) {
            throw new IllegalArgumentException("aggregate " + definition.name() + ": the source order of a version must not be empty");
        }
        Bytes key = BitemporalKey.encode(v.entity(), v.validFrom().toEpochMilli(), v.recordedAt().toEpochMilli(), order);
        Entry entry = new Entry(v.validFrom().toEpochMilli(), v.recordedAt().toEpochMilli(), order, contribution(v));
        byte[] stored = entities.get(key);
        if (stored != null && Arrays.equals(stored, entry.encodeValue())) {
            return; // an exact replay
        }
        Bytes headKey = new BitemporalKey(v.entity(), Long.MIN_VALUE, Long.MIN_VALUE).encode();
        Head head = Head.decode(entities.get(headKey));
        List<Term> terms;
        Head next;
        if (stored == null && (head == null || entry.recordedAt >= head.newestRecordedAt)) {
            Entry before = head == null ? null : head.current;
            Entry after = before == null || ORDER.compare(entry, before) > 0 ? entry : before;
            terms = step(entry.recordedAt, before, after, null, null);
            next = new Head(entry.recordedAt, after);
        } else {
            // Recorded before a later version of the entity, or a correction in the place of an earlier one at the same coordinates.
            List<Entry> old = versions(v.entity());
            List<Entry> now = new ArrayList<>(old);
            now.removeIf(e -> ORDER.compare(e, entry) == 0);
            now.add(entry);
            terms = diff(old, now, entry.recordedAt);
            next = new Head(Math.max(head.newestRecordedAt, entry.recordedAt), now.stream().max(ORDER).orElseThrow());
        }
        entities.put(key, entry.encodeValue());
        entities.put(headKey, next.encode());
        for (Term t : terms) {
            Contribution c = t.contribution;
            Delta<C> delta = new Delta<>(c.bucketEntity, Instant.ofEpochMilli(c.bucketStart), Instant.ofEpochMilli(t.at), t.sign,
                    definition.decodeContribution(c.bytes));
            context.forward(record.withKey(c.bucketEntity).withValue(delta).withTimestamp(t.at));
        }
    }

    /** What {@code v} contributes, or null: a delete, or a version that contributes nothing. */
    private Contribution contribution(Version<V> v) {
        if (!v.operation().hasValue()) {
            return null;
        }
        C c = definition.contribution().apply(v.value());
        if (c == null) {
            return null;
        }
        Instant bucketTime = definition.bucketTime().apply(v);
        String group = definition.group().apply(v.value());
        if (group == null) {
            throw new IllegalArgumentException("aggregate " + definition.name() + ": the group of " + v.entity() + " is null");
        }
        return new Contribution(new BucketKey(group, definition.bucket().label(bucketTime)).entity(),
                definition.bucket().start(bucketTime).toEpochMilli(), definition.encodeContribution(c));
    }

    /** Every version of {@code entity} as the aggregate keeps it. */
    private List<Entry> versions(String entity) {
        List<Entry> out = new ArrayList<>();
        Bytes from = BitemporalKey.encode(entity, Long.MIN_VALUE, Long.MIN_VALUE, new byte[] {0});
        try (KeyValueIterator<Bytes, byte[]> it = entities.range(from, BitemporalKey.after(entity))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(Entry.decode(kv.key, kv.value));
            }
        }
        return out;
    }

    /**
     * The deltas that turn the entity's contribution timeline with versions {@code old} into the one with
     * versions {@code now}, which differ in versions recorded at {@code from}: at every recorded time from
     * {@code from} on where either timeline steps, the step of the new one minus the step of the old one.
     */
    private static List<Term> diff(List<Entry> old, List<Entry> now, long from) {
        TreeSet<Long> times = new TreeSet<>();
        times.add(from);
        for (List<Entry> versions : List.of(old, now)) {
            for (Entry e : versions) {
                if (e.recordedAt > from) {
                    times.add(e.recordedAt);
                }
            }
        }
        List<Term> terms = new ArrayList<>();
        Entry oldBefore = null;
        Entry newBefore = null;
        boolean first = true;
        for (long t : times) {
            Entry oldAt = stateAt(old, t);
            Entry newAt = stateAt(now, t);
            if (first) {
                // Just before from, both timelines are the same: only the step at it differs.
                terms.addAll(step(t, oldAt, newAt, null, null));
                first = false;
            } else {
                terms.addAll(step(t, newBefore, newAt, oldBefore, oldAt));
            }
            oldBefore = oldAt;
            newBefore = newAt;
        }
        return terms;
    }

    /** The entity's state as known at {@code t}: the greatest of the versions recorded by then. */
    private static Entry stateAt(List<Entry> versions, long t) {
        Entry best = null;
        for (Entry e : versions) {
            if (e.recordedAt <= t && (best == null || ORDER.compare(e, best) > 0)) {
                best = e;
            }
        }
        return best;
    }

    /**
     * The terms at time {@code at} of (newAfter − newBefore) − (oldAfter − oldBefore), contributions of
     * null entries left out and equal terms of opposite signs cancelled.
     */
    private static List<Term> step(long at, Entry newBefore, Entry newAfter, Entry oldBefore, Entry oldAfter) {
        List<Term> terms = new ArrayList<>(4);
        add(terms, at, newAfter, +1);
        add(terms, at, newBefore, -1);
        add(terms, at, oldAfter, -1);
        add(terms, at, oldBefore, +1);
        return terms;
    }

    private static void add(List<Term> terms, long at, Entry e, int sign) {
        if (e == null || e.contribution == null) {
            return;
        }
        for (int i = 0; i < terms.size(); i++) {
            Term t = terms.get(i);
            if (t.sign == -sign && t.contribution.equals(e.contribution)) {
                terms.remove(i);
                return;
            }
        }
        terms.add(new Term(at, sign, e.contribution));
    }

    /** One signed contribution at a recorded time. */
    private record Term(long at, int sign, Contribution contribution) {
    }

    /** The order of an entity's versions: validFrom, then recordedAt, then source order (unsigned bytes). */
    private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingLong(e -> e.validFrom)
            .thenComparingLong(e -> e.recordedAt)
            .thenComparing((Entry e) -> e.order, Arrays::compareUnsigned);

    /** What a version contributes to which bucket. */
    private record Contribution(String bucketEntity, long bucketStart, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Contribution c && bucketEntity.equals(c.bucketEntity) && bucketStart == c.bucketStart
                    && Arrays.equals(bytes, c.bytes);
        }

        @Override
        public int hashCode() {
            return bucketEntity.hashCode() * 31 + Arrays.hashCode(bytes);
        }
    }

    /** A version of an entity as the aggregate keeps it. Stored value: 0, or 1 | bucket entity | bucket start | contribution. */
    private record Entry(long validFrom, long recordedAt, byte[] order, Contribution contribution) {

        byte[] encodeValue() {
            if (contribution == null) {
                return new byte[] {0};
            }
            byte[] entity = contribution.bucketEntity.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 4 + entity.length + 8 + contribution.bytes.length).put((byte) 1)
                    .putInt(entity.length).put(entity).putLong(contribution.bucketStart).put(contribution.bytes).array();
        }

        static Entry decode(Bytes key, byte[] value) {
            BitemporalKey k = BitemporalKey.decode(key);
            byte[] order = BitemporalKey.tiebreak(key);
            return new Entry(k.validFrom(), k.recordedAt(), order, decodeContribution(ByteBuffer.wrap(value)));
        }

        static Contribution decodeContribution(ByteBuffer buf) {
            if (buf.get() == 0) {
                return null;
            }
            byte[] entity = new byte[buf.getInt()];
            buf.get(entity);
            long start = buf.getLong();
            byte[] c = new byte[buf.remaining()];
            buf.get(c);
            return new Contribution(new String(entity, StandardCharsets.UTF_8), start, c);
        }
    }

    /**
     * An entity's head: the newest recordedAt among its versions and its current state (the greatest
     * version). Layout: newest recordedAt | validFrom | recordedAt | order length | order | contribution value.
     */
    private record Head(long newestRecordedAt, Entry current) {

        byte[] encode() {
            byte[] c = current.encodeValue();
            return ByteBuffer.allocate(8 + 8 + 8 + 4 + current.order.length + c.length).putLong(newestRecordedAt)
                    .putLong(current.validFrom).putLong(current.recordedAt).putInt(current.order.length).put(current.order)
                    .put(c).array();
        }

        static Head decode(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long newest = buf.getLong();
            long valid = buf.getLong();
            long recorded = buf.getLong();
            byte[] order = new byte[buf.getInt()];
            buf.get(order);
            return new Head(newest, new Entry(valid, recorded, order, Entry.decodeContribution(buf)));
        }
    }
}
