package io.datamesh.sdk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.aggregate.BitemporalAggregates;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.DomainStreams;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A domain's topology under {@code TopologyTestDriver}, built and wired where the runtime builds and
 * wires it ({@link DomainStreams}: {@link io.datamesh.sdk.StreamsDefaults}, {@code exactly_once_v2},
 * the dead-letter handlers and their counts, the product metrics, the record size limit), with an
 * in-memory schema registry: pipe raw records with their source time and position, read product
 * records and dead letters, ask the views and the counters. One per test; close it.
 */
public final class DomainTestDriver implements AutoCloseable {

    private final Domain domain;
    private final DomainStreams streams;
    private final Map<String, Object> settings;
    private final TopologyTestDriver driver;
    private final Path stateDir;

    private DomainTestDriver(DomainStreams streams) {
        this.streams = streams;
        this.domain = streams.domain();
        try {
            this.stateDir = Files.createTempDirectory("domain-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The domain's own settings, as every deployment has them; the state folder is this driver's.
        Map<String, Object> s = new LinkedHashMap<>(streams.settings());
        s.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.settings = Collections.unmodifiableMap(s);
        Properties props = new Properties();
        props.putAll(settings);
        this.driver = new TopologyTestDriver(streams.topology(), props);
    }

    /**
     * A driver for {@code definition} with a fresh in-memory registry, set up as the runtime deploys:
     * the product schemas are registered under their subjects first and nothing registers itself on
     * the fly, so a record written under a subject that deployment would not register fails here too.
     */
    public static DomainTestDriver of(DomainDefinition definition) {
        return of(definition, new InMemorySchemaRegistryClient());
    }

    /** A driver sharing {@code registry} with other drivers (one domain reading another's products). */
    public static DomainTestDriver of(DomainDefinition definition, InMemorySchemaRegistryClient registry) {
        return of(definition, registry, DomainStreams.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * A driver whose product records may be at most {@code maxRecordBytes} (serialized value), as a
     * runtime started with that limit ({@code mesh run}'s default is {@link DomainStreams#DEFAULT_MAX_RECORD_BYTES}).
     */
    public static DomainTestDriver of(DomainDefinition definition, InMemorySchemaRegistryClient registry, int maxRecordBytes) {
        Domain domain = Domain.of(definition, registry, false);
        for (Domain.Product<?> p : domain.products()) {
            if (p.format() instanceof io.datamesh.sdk.record.AvroProductFormat<?, ?> avro) {
                registry.register(p.topic().value() + "-value", avro.schema());
            }
        }
        return new DomainTestDriver(DomainStreams.of(domain, maxRecordBytes));
    }

    public Domain domain() {
        return domain;
    }

    /** The Kafka Streams settings this driver runs the topology with: the domain's, and this driver's state folder. */
    public Map<String, Object> streamsSettings() {
        return settings;
    }

    /** Records read and published so far, as the runtime exports them as metrics. */
    public ProductMetrics metrics() {
        return streams.metrics();
    }

    /** Dead letters so far by stage and reason class, as the runtime exports them as metrics. */
    public DeadLetterCounts deadLetterCounts() {
        return streams.deadLetters();
    }

    /**
     * Pipes a raw record to {@code topic} ({@code <domain>.raw.<name>}) as a source writes it: recorded at, from a
     * position. Like every method here, it takes the topic's full name, as it is on the broker.
     */
    @SuppressWarnings("unchecked")
    public <R> void pipeRaw(String topic, String key, R value, Instant recordedAt, SourcePosition position) {
        Domain.Raw<R> raw = (Domain.Raw<R>) domain.raws().stream().filter(r -> r.topic().value().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("domain " + domain.name() + " has no raw input " + topic + "; it reads "
                        + domain.raws().stream().map(r -> r.topic().value()).toList()));
        RecordHeaders headers = new RecordHeaders();
        SourceHeaders.write(headers, recordedAt, position);
        driver.createInputTopic(raw.topic().value(), Serdes.String().serializer(), raw.serde().serializer())
                .pipeInput(new TestRecord<>(key, value, headers, recordedAt));
    }

    /** Pipes bytes to any topic, as they are: for poison records. */
    public void pipeBytes(String topic, String key, byte[] value, Instant timestamp) {
        driver.createInputTopic(topic, Serdes.String().serializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(key, value, new RecordHeaders(), timestamp));
    }

    /** Pipes product records to a product topic this domain reads (another domain's output). */
    @SuppressWarnings("unchecked")
    public <P> void pipeProduct(String topic, List<ProductRecord<P>> records) {
        Domain.Consumed<P> consumed = (Domain.Consumed<P>) domain.consumed().stream().filter(c -> c.topic().value().equals(topic))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("domain " + domain.name() + " does not read " + topic));
        var input = driver.createInputTopic(topic, Serdes.String().serializer(), consumed.format().serde(topic).serializer());
        records.forEach(r -> input.pipeInput(new TestRecord<>(r.key(), r, r.recordedAt())));
    }

    /**
     * Every record published to a product topic of this domain since the last read. The wall clock
     * first moves on by the aggregates' publish interval, as it passes in a running domain, so that
     * the bucket versions waiting in their outboxes are published.
     */
    @SuppressWarnings("unchecked")
    public <P> List<ProductRecord<P>> readProduct(String topic) {
        driver.advanceWallClockTime(BitemporalAggregates.PUBLISH_INTERVAL);
        Domain.Product<P> product = (Domain.Product<P>) domain.products().stream().filter(p -> p.topic().value().equals(topic))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("domain " + domain.name() + " does not publish " + topic));
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), product.format().serde(topic).deserializer())
                .readValuesToList();
    }

    /**
     * Replays the dead letter at {@code offset} of the domain's DLQ, as {@code mesh dlq replay} does: into
     * the raw topic it was read from, with the identity it had.
     *
     * @throws IllegalArgumentException if the letter cannot be replayed, with the reason the command gives
     */
    public void replayDeadLetter(TestRecord<byte[], byte[]> letter, long offset) {
        String refusal = DeadLetters.replayRefusal(domain.name(), letter.headers());
        if (refusal != null) {
            throw new IllegalArgumentException("dead letter " + offset + " cannot be replayed: " + refusal);
        }
        ProducerRecord<byte[], byte[]> again = DeadLetters.replay(domain.deadLetters().value(), offset, letter.headers(), letter.key(),
                letter.value());
        driver.createInputTopic(again.topic(), new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(again.key(), again.value(), again.headers(), letter.getRecordTime()));
    }

    /** Every dead letter since the last read. */
    public List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return driver.createOutputTopic(domain.deadLetters().value(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    /** A view of this domain. */
    @SuppressWarnings("unchecked")
    public <P> BitemporalView<ProductRecord<P>> view(String name) {
        Domain.View<P> view = (Domain.View<P>) domain.views().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("domain " + domain.name() + " has no view '" + name + "'"));
        String topic = view.product().topic().value();
        return new BitemporalView<>(driver.getKeyValueStore(name), view.product().format().serde(topic), topic);
    }

    /** The raw store of an aggregate's buckets, for {@link io.datamesh.bitemporal.aggregate.AggregateView}. */
    public org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + stateDir, e);
        }
    }
}
