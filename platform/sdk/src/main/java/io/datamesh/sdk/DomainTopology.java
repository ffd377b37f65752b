package io.datamesh.sdk;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.datamesh.bitemporal.BitemporalStores;
import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.VersionSerde;
import io.datamesh.bitemporal.aggregate.AggregateDefinition;
import io.datamesh.bitemporal.aggregate.BitemporalAggregates;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.ingest.AggregatePublisher;
import io.datamesh.sdk.ingest.BatchedWritesStore;
import io.datamesh.sdk.ingest.CommitBufferedStore;
import io.datamesh.sdk.ingest.DeriveProcessor;
import io.datamesh.sdk.ingest.IngestProcessor;
import io.datamesh.sdk.ingest.RegroupProcessor;
import io.datamesh.sdk.ingest.VerifyProcessor;
import io.datamesh.sdk.ingest.ViewWriter;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.record.TieBreak;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns a {@link Domain} declaration into its Kafka Streams topology. Pure: no I/O, so tests run
 * exactly what production runs. Every processor, store and internal topic is named from the
 * domain's declared names, never generated, so renaming a Java method renames nothing on the cluster:
 *
 * <pre>
 *   raw source            &lt;raw topic&gt;-source
 *   ingest / positions    &lt;product&gt;-v&lt;N&gt;-ingest, store &lt;product&gt;-v&lt;N&gt;-positions
 *   product sink          &lt;product&gt;-v&lt;N&gt;-sink
 *   product read          &lt;product topic&gt;-source (bytes)
 *   check for aggregates  &lt;product topic&gt;-verify (and derivations)
 *   view                  &lt;view&gt;-writer (reads, checks and stores the bytes), store &lt;view&gt;
 *   aggregate             &lt;name&gt;-contributions, &lt;name&gt;-by-bucket (repartition), &lt;name&gt;-buckets, &lt;name&gt;-publish
 *   derived product       &lt;product&gt;-v&lt;N&gt;-regroup, -by-group (repartition), -derive, stores -history and -outputs, -sink
 * </pre>
 */
public final class DomainTopology {

    /** How long ids of unordered sources (bus, clicks) are remembered against replays. */
    public static final Duration REPLAY_WINDOW = Duration.ofDays(7);
    /**
     * How far a raw record's recordedAt may lie ahead of the platform's clock. A source stamps its
     * records with a commit, publish or receive time that has passed; further ahead than a clock can
     * be wrong, the record is a dead letter, so that one bad clock cannot move the stream's time (and
     * with it the replay window) into the future.
     */
    public static final Duration MAX_RECORDED_AHEAD = Duration.ofHours(1);

    private final Domain domain;
    private final int maxRecordBytes;
    private final StreamsBuilder builder = new StreamsBuilder();
    private final Map<String, KStream<byte[], byte[]>> raws = new HashMap<>();
    private final Map<String, KStream<byte[], byte[]>> products = new HashMap<>();
    private final Map<String, KStream<String, ?>> versions = new HashMap<>();

    private DomainTopology(Domain domain, int maxRecordBytes) {
        this.domain = domain;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The topology of {@code domain}, without a size limit on product records. */
    public static Topology build(Domain domain) {
        return build(domain, Integer.MAX_VALUE);
    }

    /** The topology of {@code domain}; a product record over {@code maxRecordBytes} is a dead letter. */
    public static Topology build(Domain domain, int maxRecordBytes) {
        return new DomainTopology(domain, maxRecordBytes).build();
    }

    private Topology build() {
        for (Domain.Product<?> product : domain.products()) {
            ingest(product);
        }
        for (Domain.View<?> view : domain.views()) {
            view(view);
        }
        for (Domain.Aggregate<?, ?, ?, ?> aggregate : domain.aggregates()) {
            aggregate(aggregate);
        }
        for (Domain.Derived<?, ?> derived : domain.derivations()) {
            derive(derived);
        }
        return builder.build();
    }

    private <P> void ingest(Domain.Product<P> product) {
        if (product.mapped() != null) {
            ingest(product, product.mapped());
        }
    }

    private <R, P> void ingest(Domain.Product<P> product, Domain.Mapped<R, P> mapped) {
        String base = product.topic().name() + "-v" + product.topic().major();
        String positions = base + "-positions";
        // Buffered until the commit: an ordered source moves its high-water mark on every record, and
        // the buffer turns those puts into one changelog write per stream and commit.
        StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(positions),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(Map.of("cleanup.policy", "compact"));
        builder.addStateStore(CommitBufferedStore.builder(store.withCachingDisabled()));
        String productTopic = product.topic().value();
        raw(mapped.raw())
                .process(() -> new IngestProcessor<>(mapped.mapping(), mapped.raw().serde().deserializer(), product.format(), positions,
                        REPLAY_WINDOW, MAX_RECORDED_AHEAD, productTopic, maxRecordBytes), Named.as(base + "-ingest"), positions)
                .to(productTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(base + "-sink"));
    }

    /**
     * A raw topic as bytes, key and value: the ingest reads the value, so that a record that cannot be read is
     * behind the replay guard too, and the key only when the mapping asks for it.
     */
    private KStream<byte[], byte[]> raw(Domain.Raw<?> raw) {
        return raws.computeIfAbsent(raw.topic().value(), t ->
                builder.stream(t, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(t + "-source")));
    }

    /** A product topic as it was written: views store the bytes, and every check hashes the payload's bytes. */
    private KStream<byte[], byte[]> bytes(Domain.Source<?> source) {
        return products.computeIfAbsent(source.topic().value(), t ->
                builder.stream(t, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(t + "-source")));
    }

    @SuppressWarnings("unchecked")
    private <P> KStream<String, Version<ProductRecord<P>>> versions(Domain.Source<P> source) {
        String topic = source.topic().value();
        return (KStream<String, Version<ProductRecord<P>>>) versions.computeIfAbsent(topic, t ->
                bytes(source).process(() -> new VerifyProcessor<>(source.format(), t), Named.as(t + "-verify")));
    }

    private <P> void view(Domain.View<P> view) {
        builder.addStateStore(BatchedWritesStore.builder(BitemporalStores.persistent(view.name())));
        String topic = view.product().topic().value();
        bytes(view.product()).process(() -> new ViewWriter<>(view.name(), view.product().format(), topic),
                Named.as(view.name() + "-writer"), view.name());
    }

    private <P, Q> void derive(Domain.Derived<P, Q> d) {
        String base = d.product().topic().name() + "-v" + d.product().topic().major();
        String history = base + "-history";
        String outputs = base + "-outputs";
        builder.addStateStore(BitemporalStores.persistent(history));
        builder.addStateStore(BitemporalStores.persistent(outputs));
        String sourceTopic = d.from().topic().value();
        String productTopic = d.product().topic().value();
        KStream<String, Version<ProductRecord<P>>> input = versions(d.from());
        if (d.regroup() != null) {
            input = input
                    .process(() -> new RegroupProcessor<>(d.regroup()), Named.as(base + "-regroup"))
                    .repartition(Repartitioned.<String, Version<ProductRecord<P>>>as(base + "-by-group")
                            .withKeySerde(Serdes.String())
                            .withValueSerde(new VersionSerde<>(d.from().format().serde(sourceTopic), sourceTopic)));
        }
        input.process(() -> new DeriveProcessor<>(history, outputs, d.from().format().serde(sourceTopic), sourceTopic, d.product().format(),
                        d.derivation(), productTopic, maxRecordBytes), Named.as(base + "-derive"), history, outputs)
                .to(productTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(base + "-sink"));
    }

    private <P, C, A, Q> void aggregate(Domain.Aggregate<P, C, A, Q> a) {
        AggregateDefinition<ProductRecord<P>, C, A> definition = new AggregateDefinition<>(a.name(),
                r -> teamCode(a.name(), "group", () -> a.group().apply(r.payload())),
                v -> teamCode(a.name(), "bucket time", () -> a.bucketTime().apply(v.value())),
                r -> teamCode(a.name(), "contribution", () -> a.contribution().apply(r.payload())),
                a.bucket(), a.aggregation(),
                v -> TieBreak.of(v.operation(), v.value().source()));
        String productTopic = a.published().topic().value();
        BitemporalAggregates.aggregate(builder, versions(a.of()), definition)
                .process(() -> new AggregatePublisher<>(a.published().format(), a.toPayload(), productTopic, maxRecordBytes),
                        Named.as(a.name() + "-publish"))
                .to(productTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(a.name() + "-sink"));
    }

    /** Runs one of the team's aggregate functions; what it throws rejects the record with a reason that names it. */
    private static <T> T teamCode(String aggregate, String function, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw Faults.teamCodeFailed(ReasonClass.AGGREGATION_FAILED, "aggregate " + aggregate + ": the " + function + " function", e);
        }
    }
}
