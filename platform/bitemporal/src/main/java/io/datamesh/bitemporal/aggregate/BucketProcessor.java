package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.util.List;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage two, partitioned by bucket: applies each delta to the bucket as known at the delta's
 * recordedAt, stores the result as the bucket's version at that time, and forwards it (to publish
 * it as a product).
 *
 * <p><b>Late deltas.</b> Deltas from different source partitions arrive in no particular recorded
 * order: the dinner order of 19:00 may be processed before the lunch order of 10:30. A delta
 * recorded at {@code r} that arrives after versions recorded later than {@code r} also enters
 * each of those versions (they are published again, corrected, with the same coordinates), so that
 * "as known at t" is what the sources had recorded by t, whatever the arrival order. An answer as
 * known at t is therefore final once every source has delivered what it recorded by t (the
 * domain's lag); asked about a past day, as in "as known on 2018-07-09", it never changes.
 * In-order arrival costs one seek that finds nothing later.
 */
final class BucketProcessor<V, C, A> implements Processor<String, Delta<C>, String, Version<A>> {

    private final AggregateDefinition<V, C, A> definition;
    private ProcessorContext<String, Version<A>> context;
    private BitemporalStore<A> buckets;

    BucketProcessor(AggregateDefinition<V, C, A> definition) {
        this.definition = definition;
    }

    @Override
    public void init(ProcessorContext<String, Version<A>> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(definition.viewStore());
        this.buckets = new BitemporalStore<>(store, definition.aggregation().aggregateSerde(), definition.viewStore());
    }

    @Override
    public void process(Record<String, Delta<C>> record) {
        Delta<C> delta = record.value();
        String bucket = delta.bucketEntity();
        Instant recordedAt = delta.recordedAt();
        // Every version of a bucket has the bucket's start as validFrom: its versions differ by recordedAt only.
        A known = buckets.asOfVersion(bucket, delta.bucketStart(), recordedAt).map(Version::value).orElseGet(definition.aggregation()::zero);
        List<Version<A>> later = buckets.recordedAfter(bucket, delta.bucketStart(), recordedAt);
        put(record, Version.upsert(bucket, delta.bucketStart(), recordedAt, apply(known, delta)));
        for (Version<A> v : later) {
            put(record, Version.upsert(bucket, delta.bucketStart(), v.recordedAt(), apply(v.value(), delta)));
        }
    }

    private A apply(A value, Delta<C> delta) {
        return delta.sign() > 0
                ? definition.aggregation().add(value, delta.contribution())
                : definition.aggregation().remove(value, delta.contribution());
    }

    private void put(Record<String, Delta<C>> cause, Version<A> version) {
        buckets.write(version);
        context.forward(cause.withValue(version).withTimestamp(version.recordedAt().toEpochMilli()));
    }
}
