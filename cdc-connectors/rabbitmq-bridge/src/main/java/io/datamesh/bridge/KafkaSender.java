package io.datamesh.bridge;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the bridge's records until Kafka acknowledges them. The producer retries by itself until
 * its delivery timeout; a record it fails then (Kafka down for minutes) is sent again here, with a
 * growing pause, for as long as the bridge runs: its message stays unacknowledged on the bus
 * meanwhile, and the prefetch window stops the broker from delivering more. Only a record Kafka
 * can never take (larger than it accepts) is given up on, through {@code refused}.
 */
final class KafkaSender {

    private static final Logger log = LoggerFactory.getLogger(KafkaSender.class);
    private static final long FIRST_PAUSE_MS = 200;

    private final Producer<byte[], byte[]> producer;
    private final ScheduledExecutorService scheduler;
    private final BridgeMetrics metrics;
    private final long maxPauseMs;
    private volatile boolean closing;
    /** Since when a send has been failing (System.nanoTime), 0 while Kafka answers. */
    private volatile long failingSince;
    private volatile String lastFailure = "";
    private volatile long lastWarnNanos;

    KafkaSender(Producer<byte[], byte[]> producer, ScheduledExecutorService scheduler, BridgeMetrics metrics, Duration maxPause) {
        this.producer = producer;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.maxPauseMs = maxPause.toMillis();
    }

    /**
     * Sends {@code record}; {@code stored} runs on the producer's thread once Kafka acknowledged it (with where Kafka stored it),
     * {@code refused} if Kafka can never take it. Neither runs if the bridge closes first.
     */
    void send(ProducerRecord<byte[], byte[]> record, Consumer<RecordMetadata> stored, Consumer<KafkaException> refused) {
        attempt(record, stored, refused, 0);
    }

    /**
     * {@link #send} from the sender's own thread: for a record that follows another one's
     * acknowledgement. {@code stored} runs on the producer's thread, and a send there could wait for
     * metadata or buffer space that only that thread provides.
     */
    void sendNext(ProducerRecord<byte[], byte[]> record, Consumer<RecordMetadata> stored, Consumer<KafkaException> refused) {
        try {
            scheduler.execute(() -> attempt(record, stored, refused, 0));
        } catch (RejectedExecutionException closed) {
            // The bridge is closing: the message was not acknowledged, the bus delivers it again to the next bridge.
        }
    }

    private void attempt(ProducerRecord<byte[], byte[]> record, Consumer<RecordMetadata> stored, Consumer<KafkaException> refused, int failures) {
        if (closing) {
            return;
        }
        try {
            producer.send(record, (meta, e) -> {
                if (e == null) {
                    failingSince = 0;
                    metrics.recordOut(record.topic());
                    stored.accept(meta);
                } else {
                    failed(record, stored, refused, failures, e);
                }
            });
        } catch (KafkaException e) {
            // send() itself throws when it waited max.block.ms for metadata or buffer space: Kafka is away.
            failed(record, stored, refused, failures, e);
        }
    }

    private void failed(ProducerRecord<byte[], byte[]> record, Consumer<RecordMetadata> stored, Consumer<KafkaException> refused, int failures,
                        Exception e) {
        if (e instanceof RecordTooLargeException tooLarge) {
            refused.accept(tooLarge);
            return;
        }
        if (failingSince == 0) {
            failingSince = System.nanoTime();
        }
        lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        long now = System.nanoTime();
        if (now - lastWarnNanos > TimeUnit.SECONDS.toNanos(30)) {
            lastWarnNanos = now;
            log.warn("Kafka did not take a record topic={} error={}; sending again until it does, its message stays unacknowledged",
                    record.topic(), lastFailure);
        }
        long pause = Math.min(maxPauseMs, FIRST_PAUSE_MS << Math.min(failures, 10));
        metrics.kafkaRetry();
        try {
            scheduler.schedule(() -> attempt(record, stored, refused, failures + 1), pause, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // The bridge is closing: the message was not acknowledged, the bus delivers it again to the next bridge.
        }
    }

    /** Why Kafka is failing the bridge's records, or null while it takes them. */
    String failure() {
        return failingSince == 0 ? null : lastFailure + " (for " + Duration.ofNanos(System.nanoTime() - failingSince).toSeconds() + " s)";
    }

    /** Stops sending again: what is not in Kafka by now stays unacknowledged. */
    void close() {
        closing = true;
    }
}
