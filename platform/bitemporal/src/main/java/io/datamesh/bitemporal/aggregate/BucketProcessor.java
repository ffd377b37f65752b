package io.datamesh.bitemporal.aggregate;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.datamesh.bitemporal.BitemporalKey;
import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage two, partitioned by bucket: applies each delta to the bucket as known at the delta's
 * recordedAt and to every later version of the bucket, and publishes the versions it changed.
 *
 * <p><b>Late deltas.</b> Deltas from different source partitions arrive in no particular recorded
 * order: the dinner order of 19:00 may be processed before the lunch order of 10:30. A delta
 * recorded at {@code r} that arrives after versions recorded later than {@code r} also enters
 * each of those versions, so that "as known at t" is what the sources had recorded by t, whatever
 * the arrival order. An answer as known at t is therefore final once every source has delivered
 * what it recorded by t (the domain's lag); asked about a past day, as in "as known on 2018-07-09",
 * it never changes. In-order arrival costs one seek that finds nothing later.
 *
 * <p><b>One record per coordinate.</b> All lines of one order share their commit time: their deltas
 * change one version of the bucket one after the other, and only the last value was ever true at
 * that time. So a changed version is not published at once: its coordinates wait in the outbox
 * store (logged, committed with the buckets), and every {@link #PUBLISH_INTERVAL} of wall-clock
 * time each waiting version is published once, with its value then. A version changed after it was
 * published (a late delta) is published again as a {@link Operation#CORRECTION}. Every version in
 * the buckets store is either waiting in the outbox or published, so: waiting, and in the store
 * before the change, means published before. Under exactly-once, a version is published in the
 * transaction that takes it out of the outbox: never lost, never twice.
 */
final class BucketProcessor<V, C, A> implements Processor<String, Delta<C>, String, Publication<A>> {

    /** How often waiting bucket versions are published (wall-clock time). */
    static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);

    private static final byte NEW = 'N';
    private static final byte CHANGED = 'C';
    /** The outbox's counter of publications; no bucket key starts with 0xFF (UTF-8 never has it). */
    private static final Bytes SEQUENCE = Bytes.wrap(new byte[] {(byte) 0xFF});

    private final AggregateDefinition<V, C, A> definition;
    private ProcessorContext<String, Publication<A>> context;
    private BitemporalStore<A> buckets;
    private KeyValueStore<Bytes, byte[]> outbox;
    private String stream;

    BucketProcessor(AggregateDefinition<V, C, A> definition) {
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<String, Publication<A>> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(definition.viewStore());
        this.buckets = new BitemporalStore<>(store, definition.aggregation().aggregateSerde(), definition.viewStore());
        this.outbox = context.getStateStore(definition.outboxStore());
        this.stream = context.applicationId() + "-" + definition.name() + "-by-bucket-repartition";
        context.schedule(PUBLISH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> publish());
    }

    @Override
    public void process(Record<String, Delta<C>> record) {
        Delta<C> delta = record.value();
        String bucket = delta.bucketEntity();
        Instant recordedAt = delta.recordedAt();
        // Every version of a bucket has the bucket's start as validFrom: its versions differ by recordedAt only.
        Optional<Version<A>> known = buckets.asOfVersion(bucket, delta.bucketStart(), recordedAt);
        boolean existed = known.isPresent() && known.get().recordedAt().equals(recordedAt);
        A value = known.map(Version::value).orElseGet(definition.aggregation()::zero);
        List<Version<A>> later = buckets.recordedAfter(bucket, delta.bucketStart(), recordedAt);
        put(Version.upsert(bucket, delta.bucketStart(), recordedAt, apply(value, delta)), existed);
        for (Version<A> v : later) {
            put(Version.upsert(bucket, delta.bucketStart(), v.recordedAt(), apply(v.value(), delta)), true);
        }
    }

    private A apply(A value, Delta<C> delta) {
        return delta.sign() > 0
                ? definition.aggregation().add(value, delta.contribution())
                : definition.aggregation().remove(value, delta.contribution());
    }

    private void put(Version<A> version, boolean existed) {
        buckets.write(version);
        Bytes key = version.key().encode();
        if (outbox.get(key) == null) {
            outbox.put(key, new byte[] {existed ? CHANGED : NEW});
        }
    }

    /** Publishes every waiting version, each with its value now. */
    private void publish() {
        List<KeyValue<Bytes, byte[]>> waiting = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = outbox.range(null, SEQUENCE)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (!kv.key.equals(SEQUENCE)) {
                    waiting.add(kv);
                }
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        byte[] stored = outbox.get(SEQUENCE);
        long sequence = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
        for (KeyValue<Bytes, byte[]> w : waiting) {
            BitemporalKey k = BitemporalKey.decode(w.key);
            outbox.delete(w.key);
            Optional<Version<A>> v = buckets.version(k.entity(), Instant.ofEpochMilli(k.validFrom()), Instant.ofEpochMilli(k.recordedAt()));
            if (v.isEmpty()) {
                continue;
            }
            Operation op = w.value[0] == CHANGED ? Operation.CORRECTION : Operation.UPSERT;
            Version<A> out = new Version<>(k.entity(), v.get().validFrom(), v.get().recordedAt(), op, v.get().value());
            outbox.put(SEQUENCE, ByteBuffer.allocate(8).putLong(sequence + 1).array());
            context.forward(new Record<>(k.entity(), new Publication<>(out, stream, context.taskId().partition(), sequence++),
                    k.recordedAt()));
        }
    }
}
