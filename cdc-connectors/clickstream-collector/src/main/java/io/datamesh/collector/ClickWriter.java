package io.datamesh.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.ProvisionReport;
import io.datamesh.topics.TopicNames;
import io.datamesh.topics.TopicProvisioner;
import io.datamesh.topics.TopicSettings;
import io.datamesh.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes clicks to the raw topic and knows whether Kafka takes them. The topics are created at start
 * by the platform's conventions. A write completes when Kafka acknowledged the record
 * ({@code acks=all}, idempotent producer) and then its {@link Receipt} in the domain's receipts topic
 * (the click id and where Kafka stored it: every click answered {@code accepted} has one, which
 * {@code mesh audit} holds against the product), or fails within the request's Kafka timeout. Kafka is
 * taken as unavailable from a failed write or a failed probe (every two seconds) until a write or a
 * probe succeeds.
 */
final class ClickWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClickWriter.class);

    private final CollectorConfig config;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService probe;
    private final String receipts;
    private final java.util.concurrent.ExecutorService receiptSender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mesh-collector-receipts");
        t.setDaemon(true);
        return t;
    });
    private volatile String unavailable;

    private ClickWriter(CollectorConfig config, Admin admin, KafkaProducer<byte[], byte[]> producer, ScheduledExecutorService probe) {
        this.config = config;
        this.admin = admin;
        this.producer = producer;
        this.probe = probe;
        this.receipts = TopicNames.receipts(config.topic().domain()).value();
    }

    /** Creates the raw topic if it is missing, connects, and starts probing Kafka. */
    static ClickWriter start(CollectorConfig config, TopicSettings topics) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "mesh-collector-" + config.name() + "-admin"));
        KafkaProducer<byte[], byte[]> producer = null;
        var receipts = TopicNames.receipts(config.topic().domain());
        try {
            ProvisionReport report = new TopicProvisioner(admin, 30_000).ensure(List.of(TopicSpec.of(config.topic(), topics),
                    TopicSpec.of(receipts, topics)));
            log.info("Collector topic={} created={} drifts={}", config.topicName(), !report.created().isEmpty(), report.drifts().size());
            producer = new KafkaProducer<>(producerConfig(config), new ByteArraySerializer(), new ByteArraySerializer());
            producer.partitionsFor(config.topicName()); // metadata before the first request
            producer.partitionsFor(receipts.value());
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            admin.close(Duration.ZERO);
            throw e;
        }
        ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mesh-collector-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        ClickWriter writer = new ClickWriter(config, admin, producer, probe);
        probe.scheduleWithFixedDelay(writer::probe, 2, 2, TimeUnit.SECONDS);
        return writer;
    }

    private static Map<String, Object> producerConfig(CollectorConfig c) {
        int timeout = (int) c.kafkaTimeout().toMillis();
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-collector-" + c.name());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // A request is answered within the Kafka timeout: the producer gives a record up by then, and
        // send() waits at most a fraction of it for metadata or buffer space (a full buffer is a 503).
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(400, timeout / 2));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(2_000, timeout / 4));
        return p;
    }

    /** Sends a click, then its receipt; the future completes once Kafka acknowledged both, or fails. */
    CompletableFuture<Void> write(byte[] key, byte[] json, String clickId, Instant receivedAt) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.topicName(), null, receivedAt.toEpochMilli(), key, json);
        SourcePosition source = SourcePosition.click(config.name(), clickId);
        SourceHeaders.write(r.headers(), receivedAt, source);
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The receipt is sent from the collector's own thread: the first send's callback runs on the producer's thread, where a
        // send could wait for metadata or buffer space that only that thread provides.
        send(r, done, meta -> {
            try {
                receiptSender.execute(() -> send(new Receipt(source, meta.topic(), meta.partition(), meta.offset(), Instant.now())
                        .toRecord(receipts), done, stored -> done.complete(null)));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                done.completeExceptionally(new IllegalStateException("the collector is closing: the click is stored, its receipt is not"));
            }
        });
        return done;
    }

    private void send(ProducerRecord<byte[], byte[]> r, CompletableFuture<Void> done, java.util.function.Consumer<RecordMetadata> stored) {
        try {
            producer.send(r, (meta, e) -> {
                if (e == null) {
                    unavailable = null;
                    stored.accept(meta);
                } else {
                    failed(e);
                    done.completeExceptionally(e);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            failed(e);
            done.completeExceptionally(e);
        }
    }

    /** Why Kafka does not take clicks now, or null. */
    String unavailable() {
        return unavailable;
    }

    private void failed(Exception e) {
        if (unavailable == null) {
            log.warn("Kafka does not take clicks topic={}: {}", config.topicName(), e.toString());
        }
        unavailable = "Kafka does not take clicks: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void probe() {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_500)).nodes().whenComplete((nodes, e) -> {
            if (e != null || nodes.isEmpty()) {
                unavailable = "Kafka at " + config.bootstrapServers() + " does not answer" + (e == null ? "" : ": " + e.getMessage());
            } else {
                unavailable = null;
            }
        });
    }

    @Override
    public void close() {
        probe.shutdownNow();
        receiptSender.shutdown();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
