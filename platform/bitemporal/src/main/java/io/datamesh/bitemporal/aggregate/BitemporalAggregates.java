package io.datamesh.bitemporal.aggregate;


import io.datamesh.bitemporal.BitemporalStores;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Adds a bitemporal aggregate to a topology: stage one keeps each entity's versions and turns a new
 * one into deltas, a named repartition moves deltas to the bucket's partition, stage two keeps the
 * buckets' versions in a bitemporal view and publishes each changed version once (through its
 * outbox). Every processor, store and topic is named from the aggregate's name.
 */
public final class BitemporalAggregates {

    /** How often an aggregate publishes the bucket versions that changed (wall-clock time). */
    public static final java.time.Duration PUBLISH_INTERVAL = BucketProcessor.PUBLISH_INTERVAL;

    private BitemporalAggregates() {
    }

    /**
     * @param builder the topology's builder (the stores are added to it)
     * @param versions the product's versions keyed by entity
     * @return each bucket version to publish (a new one, or a correction of one published), keyed by the bucket's entity string
     */
    public static <V, C, A> KStream<String, Publication<A>> aggregate(StreamsBuilder builder, KStream<String, Version<V>> versions,
                                                                     AggregateDefinition<V, C, A> definition) {
        builder.addStateStore(BitemporalStores.persistent(definition.entitiesStore()));
        builder.addStateStore(BitemporalStores.persistent(definition.viewStore()));
        builder.addStateStore(BitemporalStores.persistent(definition.outboxStore()));
        return versions
                .process(() -> new ContributionProcessor<>(definition), Named.as(definition.name() + "-contributions"),
                        definition.entitiesStore())
                .repartition(Repartitioned.<String, Delta<C>>as(definition.name() + "-by-bucket")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new Delta.DeltaSerde<>(definition.aggregation().contributionSerde())))
                .process(() -> new BucketProcessor<>(definition), Named.as(definition.name() + "-buckets"), definition.viewStore(),
                        definition.outboxStore());
    }
}
