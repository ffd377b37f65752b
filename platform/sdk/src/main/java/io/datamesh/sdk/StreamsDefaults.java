package io.datamesh.sdk;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings every domain runs with, over Kafka's own defaults; {@code mesh run --set}
 * overrides any of them. Measured in {@code make bench} (rows B0.4, B1.0 and B1) on two cores:
 * Kafka Streams copying a domain's input went from 0.87 of a plain consume→produce loop over the
 * same records with Kafka's defaults to about 1.2 with these.
 */
public final class StreamsDefaults {

    /**
     * Producer batches of up to 128 KiB (Kafka: 16 KiB). A domain writes small records (100–500 B)
     * at high rates and flushes at every commit; bigger batches mean fewer produce requests per
     * commit. Memory: at most one open batch per output partition.
     */
    public static final int PRODUCER_BATCH_BYTES = 128 * 1024;

    /**
     * Records per poll (Kafka Streams: 1,000): fewer polls per record; a poll still returns at once
     * with what is there.
     */
    public static final int MAX_POLL_RECORDS = 2_000;

    /**
     * How long the broker may hold a fetch of the main consumer that finds no new data (Kafka: 500 ms).
     * A consumer has one fetch in flight per broker. A domain with views, aggregates or derivations
     * reads its own product topics, which are often caught up: a fetch that holds only those
     * partitions keeps the raw topics' next records waiting until the producer's next batch arrives,
     * and the stream thread idles in poll. Measured in {@code make bench} (B3, two cores, three runs
     * of each setting): a view-materializing topology at 0.52–0.58 of the stateless one with 500 ms,
     * 0.61 with 20 ms. An idle instance sends up to 50 empty fetches a second per broker.
     */
    public static final int MAIN_CONSUMER_FETCH_MAX_WAIT_MS = 20;

    private StreamsDefaults() {
    }

    /** The settings, keyed as {@link StreamsConfig} expects them. */
    public static Map<String, Object> settings() {
        return Map.of(
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES,
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), MAIN_CONSUMER_FETCH_MAX_WAIT_MS);
    }
}
