package io.datamesh.runtime.directory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an instance's {@link Announcement} on the directory topic when it starts, renews it every
 * {@link DomainDirectory#HEARTBEAT}, and withdraws it (a tombstone) when it stops cleanly.
 */
public final class DomainAnnouncer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DomainAnnouncer.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;
    private final ScheduledExecutorService heartbeat;
    private volatile Announcement current;

    private DomainAnnouncer(String bootstrapServers, Announcement announcement, Clock clock) {
        this.clock = clock;
        this.current = announcement;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000), new StringSerializer(), new ByteArraySerializer());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mesh-announcer-" + announcement.domain());
            t.setDaemon(true);
            return t;
        });
    }

    /** Announces {@code announcement} (the directory topic is created if missing) and keeps renewing it. */
    public static DomainAnnouncer start(String bootstrapServers, Announcement announcement, Clock clock) {
        DomainDirectory.ensureTopic(bootstrapServers);
        DomainAnnouncer a = new DomainAnnouncer(bootstrapServers, announcement, clock);
        a.send(announcement.toJson());
        long every = DomainDirectory.HEARTBEAT.toMillis();
        a.heartbeat.scheduleAtFixedRate(a::renew, every, every, TimeUnit.MILLISECONDS);
        log.info("Announced domain={} instance={} url={}", announcement.domain(), announcement.instance(), announcement.url());
        return a;
    }

    private void renew() {
        try {
            current = current.renewed(clock.instant());
            send(current.toJson());
        } catch (RuntimeException e) {
            log.warn("Cannot renew the announcement of {}: {}", current.key(), e.toString());
        }
    }

    private void send(byte[] value) {
        try {
            producer.send(new ProducerRecord<>(DomainDirectory.TOPIC, current.key(), value)).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing " + current.key(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot announce " + current.key() + " on " + DomainDirectory.TOPIC + ": " + e.getMessage(), e);
        }
    }

    /** Withdraws the announcement: the instance is gone from the directory at once. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            send(null);
            log.info("Withdrew domain={} instance={}", current.domain(), current.instance());
        } catch (RuntimeException e) {
            log.warn("Cannot withdraw the announcement of {} (it goes stale in {}): {}", current.key(), DomainDirectory.STALE_AFTER, e.toString());
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
