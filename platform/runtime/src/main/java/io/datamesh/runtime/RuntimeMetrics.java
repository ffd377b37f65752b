package io.datamesh.runtime;

import io.datamesh.sdk.Domain;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.DeadLetterCounts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A domain's metrics, Micrometer-named: Kafka Streams' own ({@code kafka.stream.*}), records read
 * per input ({@code mesh.input.records}), records published per product ({@code mesh.product.records}),
 * freshness per product against its SLO ({@code mesh.product.freshness}, {@code mesh.product.freshness.slo},
 * seconds), raw records dropped as replays of a published position per product
 * ({@code mesh.product.replays.dropped}), tombstones skipped per input ({@code mesh.input.tombstones}), dead
 * letters per stage and reason class ({@code mesh.dlq.records}) and in all ({@code mesh.dlq.letters}).
 */
final class RuntimeMetrics {

    private RuntimeMetrics() {
    }

    static void bind(PrometheusMeterRegistry registry, Domain domain, KafkaStreams streams, ProductMetrics products,
                     DeadLetterCounts deadLetters, RuntimeStatus status) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
        for (Domain.Raw<?> raw : domain.raws()) {
            String topic = raw.topic().value();
            FunctionCounter.builder("mesh.input.records", products, p -> p.consumedCount(topic))
                    .tag("domain", domain.name()).tag("topic", topic).description("Raw records read").register(registry);
            FunctionCounter.builder("mesh.input.tombstones", products, p -> p.tombstonesCount(topic))
                    .tag("domain", domain.name()).tag("topic", topic)
                    .description("Raw records without a value skipped (Debezium's tombstone after a delete)").register(registry);
        }
        for (Domain.Product<?> p : domain.products()) {
            String topic = p.topic().value();
            FunctionCounter.builder("mesh.product.records", products, m -> m.publishedCount(topic))
                    .tag("domain", domain.name()).tag("product", topic).description("Product records published").register(registry);
            FunctionCounter.builder("mesh.product.replays.dropped", products, m -> m.replaysDroppedCount(topic))
                    .tag("domain", domain.name()).tag("product", topic)
                    .description("Raw records dropped because their source position was published (or dead-lettered) already")
                    .register(registry);
            FunctionCounter.builder("mesh.source.streams.started", products, m -> m.streamsStartedCount(topic))
                    .tag("domain", domain.name()).tag("product", topic)
                    .description("Ordered source streams seen for the first time: a new source, a capture's new epoch after a reset,"
                            + " a snapshot run, a Kafka partition").register(registry);
            Gauge.builder("mesh.product.freshness", status, s -> s.freshness(topic).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN))
                    .tag("domain", domain.name()).tag("product", topic).baseUnit("seconds")
                    .description("Now minus the newest recordedAt published").register(registry);
            Gauge.builder("mesh.product.freshness.slo", p, x -> x.freshness().slo().toSeconds())
                    .tag("domain", domain.name()).tag("product", topic).baseUnit("seconds")
                    .description("The product's freshness objective").register(registry);
        }
        Gauge.builder("mesh.dlq.letters", deadLetters, DeadLetterCounts::total).tag("domain", domain.name())
                .description("Dead letters since start").register(registry);
    }

    /** Registers a counter per (stage, reason) seen so far; called at every scrape, as reasons appear. */
    static void refreshDeadLetters(PrometheusMeterRegistry registry, Domain domain, DeadLetterCounts deadLetters) {
        deadLetters.snapshot().forEach((key, count) -> FunctionCounter.builder("mesh.dlq.records", deadLetters,
                        d -> d.snapshot().getOrDefault(key, 0L))
                .tag("domain", domain.name()).tag("stage", key.stage().tag()).tag("reason", key.reasonClass().tag())
                .description("Dead letters by stage and reason class (the reason itself is in each letter)").register(registry));
    }
}
