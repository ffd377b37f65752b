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

import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.ProvisionReport;
import io.datamesh.topics.TopicProvisioner;
import io.datamesh.topics.TopicSettings;
import io.datamesh.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes clicks to the raw topic and knows whether Kafka takes them. The topic is created at start
 * by the platform's conventions. A write completes when Kafka acknowledged the record
 * ({@code acks=all}, idempotent producer), or fails within the request's Kafka timeout. Kafka is
 * taken as unavailable from a failed write or a failed probe (every two seconds) until a write or a
 * probe succeeds.
 */
final class ClickWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClickWriter.class);

    private final CollectorConfig config;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService probe;
    private volatile String unavailable;

    private ClickWriter(CollectorConfig config, Admin admin, KafkaProducer<byte[], byte[]> producer, ScheduledExecutorService probe) {
        this.config = config;
        this.admin = admin;
        this.producer = producer;
        this.probe = probe;
    }

    /** Creates the raw topic if it is missing, connects, and starts probing Kafka. */
    static ClickWriter start(CollectorConfig config, TopicSettings topics) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "mesh-collector-" + config.name() + "-admin"));
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            ProvisionReport report = new TopicProvisioner(admin, 30_000).ensure(List.of(TopicSpec.of(config.topic(), topics)));
            log.info("Collector topic={} created={} drifts={}", config.topicName(), !report.created().isEmpty(), report.drifts().size());
            producer = new KafkaProducer<>(producerConfig(config), new ByteArraySerializer(), new ByteArraySerializer());
            producer.partitionsFor(config.topicName()); // metadata before the first request
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

    /** Sends a click; the future completes once Kafka acknowledged it, or fails. */
    CompletableFuture<Void> write(byte[] key, byte[] json, String clickId, Instant receivedAt) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.topicName(), null, receivedAt.toEpochMilli(), key, json);
        SourceHeaders.write(r.headers(), receivedAt, SourcePosition.click(config.name(), clickId));
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(r, (meta, e) -> {
                if (e == null) {
                    unavailable = null;
                    done.complete(null);
                } else {
                    failed(e);
                    done.completeExceptionally(e);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            failed(e);
            done.completeExceptionally(e);
        }
        return done;
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
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
