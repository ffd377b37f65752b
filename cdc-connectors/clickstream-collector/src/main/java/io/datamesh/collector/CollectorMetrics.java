package io.datamesh.collector;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The collector's meters, tagged {@code collector} (its name):
 *
 * <pre>
 *   mesh.collector.events.accepted            events stored (Kafka acknowledged them)
 *   mesh.collector.events.duplicates          events answered duplicate (stored before)
 *   mesh.collector.events.rejected{reason}    events that break the contract, by reason class
 *   mesh.collector.requests{status,route}     requests, with their latency (timer; see RequestMetrics)
 *   mesh.collector.throttled                  requests answered 429 (rate limit)
 *   mesh.collector.unavailable                requests answered 503 (Kafka unavailable)
 * </pre>
 */
final class CollectorMetrics {

    private final MeterRegistry registry;
    private final String collector;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    CollectorMetrics(MeterRegistry registry, String collector) {
        this.registry = registry;
        this.collector = collector;
    }

    MeterRegistry registry() {
        return registry;
    }

    String collector() {
        return collector;
    }

    void accepted(int n) {
        counter("mesh.collector.events.accepted", null, "Events stored: Kafka acknowledged them").increment(n);
    }

    void duplicates(int n) {
        counter("mesh.collector.events.duplicates", null, "Events answered duplicate: stored by an earlier request").increment(n);
    }

    void rejected(String reasonClass) {
        counter("mesh.collector.events.rejected", reasonClass, "Events that break the click contract, by reason").increment();
    }

    void throttled() {
        counter("mesh.collector.throttled", null, "Requests answered 429: over the client's rate limit").increment();
    }

    void unavailable() {
        counter("mesh.collector.unavailable", null, "Requests answered 503: Kafka did not take the events").increment();
    }

    private Counter counter(String name, String reason, String description) {
        return counters.computeIfAbsent(name + "|" + reason, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("collector", collector);
            if (reason != null) {
                b.tag("reason", reason);
            }
            return b.register(registry);
        });
    }
}
