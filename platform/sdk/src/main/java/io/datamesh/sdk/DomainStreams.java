package io.datamesh.sdk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.datamesh.sdk.dlq.DeadLetterHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * A domain as Kafka Streams runs it: its topology and the settings that wire the platform into it
 * ({@link StreamsDefaults}, {@code exactly_once_v2}, the dead-letter handlers and their counts, the
 * product metrics, the record size limit). The runtime ({@code DomainRuntime}) and the SDK's
 * {@code DomainTestDriver} both take the topology and these settings from here, so a team's test
 * runs what the runtime runs; the runtime adds only what belongs to one deployment (brokers, state
 * folder, threads, replicas, commit interval, the instance's address, {@code --set} overrides).
 * One per running domain: its {@link #deadLetters()} and {@link #metrics()} are what its
 * processors and handlers count into.
 */
public final class DomainStreams {

    /**
     * The largest product record (its serialized value) a domain publishes unless told otherwise:
     * 1 MiB, Kafka's own default {@code max.request.size}. A larger one is a dead letter
     * ({@code too-large}) at the produce stage.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /**
     * Room the producer's {@code max.request.size} leaves over {@link #maxRecordBytes()} for key,
     * headers and batch overhead, so that the producer never trips on a record the platform let
     * through (a record refused after it was handed to the producer would be lost, see
     * {@link DeadLetterHandler}).
     */
    static final int PRODUCE_REQUEST_OVERHEAD_BYTES = 64 * 1024;

    private final Domain domain;
    private final int maxRecordBytes;
    private final DeadLetterCounts deadLetters = new DeadLetterCounts();
    private final ProductMetrics metrics = new ProductMetrics();
    private final ViewStores views = new ViewStores();

    private DomainStreams(Domain domain, int maxRecordBytes) {
        this.domain = Objects.requireNonNull(domain, "domain");
        if (maxRecordBytes <= 0 || maxRecordBytes > Integer.MAX_VALUE - PRODUCE_REQUEST_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be between 1 and "
                    + (Integer.MAX_VALUE - PRODUCE_REQUEST_OVERHEAD_BYTES) + " bytes, not " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /** {@code domain} with the default size limit, {@link #DEFAULT_MAX_RECORD_BYTES}. */
    public static DomainStreams of(Domain domain) {
        return of(domain, DEFAULT_MAX_RECORD_BYTES);
    }

    /** {@code domain}; a product record over {@code maxRecordBytes} (serialized value) is a dead letter. */
    public static DomainStreams of(Domain domain, int maxRecordBytes) {
        return new DomainStreams(domain, maxRecordBytes);
    }

    public Domain domain() {
        return domain;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Dead letters of this domain by stage and reason, as its handlers count them. */
    public DeadLetterCounts deadLetters() {
        return deadLetters;
    }

    /** Records read and published by this domain, as its processors count them. */
    public ProductMetrics metrics() {
        return metrics;
    }

    /** The view stores this domain's active tasks have open, for its query service. */
    public ViewStores views() {
        return views;
    }

    /** A new topology of the domain, with the size limit; every call builds a fresh one. */
    public Topology topology() {
        return DomainTopology.build(domain, maxRecordBytes);
    }

    /**
     * The Kafka Streams settings every deployment of this domain runs with, keyed as
     * {@link StreamsConfig} expects them: {@link StreamsDefaults}, the application id,
     * {@code exactly_once_v2}, the DLQ topic and the platform's handler for deserialization,
     * processing and production errors (also in global stores), the shared dead-letter counts,
     * product metrics and open view stores, reading new inputs from the earliest offset, and a producer request limit
     * above the record size limit. A deployment may add its own settings and overrides on top.
     */
    public Map<String, Object> settings() {
        Map<String, Object> p = new LinkedHashMap<>(StreamsDefaults.settings());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, domain.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, domain.deadLetters().value());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(DeadLetterCounts.CONFIG_KEY, deadLetters);
        p.put(ProductMetrics.CONFIG_KEY, metrics);
        p.put(ViewStores.CONFIG_KEY, views);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Product values over maxRecordBytes are refused at serialization (a dead letter); the producer's
        // own limit leaves room for key, headers and batch overhead so it never trips on them.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecordBytes + PRODUCE_REQUEST_OVERHEAD_BYTES);
        return Collections.unmodifiableMap(p);
    }
}
