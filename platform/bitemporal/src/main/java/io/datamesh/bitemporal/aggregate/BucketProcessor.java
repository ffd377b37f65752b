package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.util.Optional;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage two, partitioned by bucket: applies each delta to the bucket's latest value and stores
 * the result as a new version of the bucket, then forwards it (to publish it as a product).
 *
 * <p>The version's recordedAt is the delta's, or the bucket's latest if that is later (deltas from
 * different source partitions can arrive slightly out of recorded order): a bucket's versions are
 * thus recorded in non-decreasing time, and an answer "as known at t" never changes once given.
 */
final class BucketProcessor<V, C, A> implements Processor<String, Delta<C>, String, Version<A>> {

    private static final Instant END_OF_TIME = Instant.ofEpochMilli(Long.MAX_VALUE);

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
        Optional<Version<A>> latest = buckets.asOfVersion(delta.bucketEntity(), END_OF_TIME, END_OF_TIME);
        A current = latest.map(Version::value).orElseGet(definition.aggregation()::zero);
        Instant recordedAt = latest.map(Version::recordedAt).filter(r -> r.isAfter(delta.recordedAt())).orElse(delta.recordedAt());
        A next = delta.sign() > 0
                ? definition.aggregation().add(current, delta.contribution())
                : definition.aggregation().remove(current, delta.contribution());
        Version<A> version = Version.upsert(delta.bucketEntity(), delta.bucketStart(), recordedAt, next);
        buckets.put(version);
        context.forward(record.withValue(version).withTimestamp(recordedAt.toEpochMilli()));
    }
}
