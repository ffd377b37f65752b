package io.datamesh.bitemporal.aggregate;

import java.util.Map;

import io.datamesh.bitemporal.BitemporalStores;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Adds a bitemporal aggregate to a topology: stage one keeps each entity's contribution, a named
 * repartition moves deltas to the bucket's partition, stage two keeps the buckets' versions in a
 * bitemporal view. Every processor, store and topic is named from the aggregate's name.
 */
public final class BitemporalAggregates {

    private BitemporalAggregates() {
    }

    /**
     * @param builder the topology's builder (the stores are added to it)
     * @param versions the product's versions keyed by entity
     * @return every new version of every bucket, keyed by the bucket's entity string
     */
    public static <V, C, A> KStream<String, Version<A>> aggregate(StreamsBuilder builder, KStream<String, Version<V>> versions,
                                                                 AggregateDefinition<V, C, A> definition) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(definition.contributionsStore()), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact")));
        builder.addStateStore(BitemporalStores.persistent(definition.viewStore()));
        return versions
                .process(() -> new ContributionProcessor<>(definition), Named.as(definition.name() + "-contributions"),
                        definition.contributionsStore())
                .repartition(Repartitioned.<String, Delta<C>>as(definition.name() + "-by-bucket")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new Delta.DeltaSerde<>(definition.aggregation().contributionSerde())))
                .process(() -> new BucketProcessor<>(definition), Named.as(definition.name() + "-buckets"), definition.viewStore());
    }
}
