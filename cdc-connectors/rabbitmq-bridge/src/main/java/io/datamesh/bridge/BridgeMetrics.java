package io.datamesh.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The bridge's meters, tagged {@code domain} (and {@code queue}, {@code topic} or {@code reason}):
 *
 * <pre>
 *   mesh.bridge.messages.in{queue}          messages delivered by the bus
 *   mesh.bridge.redeliveries{queue}         of which redeliveries (the broker's redelivered flag)
 *   mesh.bridge.records.out{topic}          records Kafka acknowledged (raw topics and the DLQ)
 *   mesh.bridge.acks{queue}                 messages acknowledged to the bus
 *   mesh.bridge.ack.latency{queue}          delivery to acknowledgement (timer)
 *   mesh.bridge.unacked{queue}              delivered, not acknowledged yet (gauge)
 *   mesh.bridge.dead.letters{reason}        messages written to the DLQ instead of their raw topic
 *   mesh.bridge.parked{queue}               messages Kafka refused for good, moved to mesh.&lt;domain&gt;.dlx
 *   mesh.bridge.kafka.retries               records sent again after Kafka failed them
 * </pre>
 */
final class BridgeMetrics {

    private final MeterRegistry registry;
    private final String domain;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    BridgeMetrics(MeterRegistry registry, String domain) {
        this.registry = registry;
        this.domain = domain;
    }

    void messageIn(String queue, boolean redelivered) {
        counter("mesh.bridge.messages.in", "queue", queue, "Messages delivered by the bus").increment();
        if (redelivered) {
            counter("mesh.bridge.redeliveries", "queue", queue, "Messages the bus delivered again (redelivered flag)").increment();
        }
    }

    void recordOut(String topic) {
        counter("mesh.bridge.records.out", "topic", topic, "Records Kafka acknowledged").increment();
    }

    void acked(String queue, long[] deliveredNanos, long nowNanos) {
        counter("mesh.bridge.acks", "queue", queue, "Messages acknowledged to the bus").increment(deliveredNanos.length);
        Timer latency = timers.computeIfAbsent(queue, q -> Timer.builder("mesh.bridge.ack.latency")
                .description("From the bus's delivery to the bridge's acknowledgement, which waits for Kafka's")
                .tags("domain", domain, "queue", q).publishPercentileHistogram().register(registry));
        for (long at : deliveredNanos) {
            latency.record(nowNanos - at, TimeUnit.NANOSECONDS);
        }
    }

    void deadLetter(BusDeadLetters.Reason reason) {
        counter("mesh.bridge.dead.letters", "reason", reason.tag(), "Messages written to the DLQ instead of their raw topic").increment();
    }

    void parked(String queue) {
        counter("mesh.bridge.parked", "queue", queue, "Messages Kafka refused for good, moved to the bus's dead-letter queue").increment();
    }

    void kafkaRetry() {
        counter("mesh.bridge.kafka.retries", null, null, "Records sent again after Kafka failed them").increment();
    }

    /** Registers a feed's meters at zero, so that /metrics shows each series from the start. */
    void register(BridgeConfig.Feed feed, Supplier<Number> unacked) {
        Gauge.builder("mesh.bridge.unacked", unacked).description("Messages delivered and not acknowledged yet")
                .tags("domain", domain, "queue", feed.queue()).register(registry);
        counter("mesh.bridge.messages.in", "queue", feed.queue(), "Messages delivered by the bus");
        counter("mesh.bridge.redeliveries", "queue", feed.queue(), "Messages the bus delivered again (redelivered flag)");
        counter("mesh.bridge.records.out", "topic", feed.topic().value(), "Records Kafka acknowledged");
        counter("mesh.bridge.acks", "queue", feed.queue(), "Messages acknowledged to the bus");
        acked(feed.queue(), new long[0], 0);
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + "|" + value, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("domain", domain);
            if (tag != null) {
                b.tag(tag, value);
            }
            return b.register(registry);
        });
    }
}
