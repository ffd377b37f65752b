package io.datamesh.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datamesh.sdk.Domain;
import io.datamesh.sdk.ProductMetrics;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness of a running domain. Live: the topology is not failed or stopped. Ready:
 * it runs, and every product it has published is fresh within its SLO (now − newest recordedAt).
 */
public final class RuntimeStatus {

    private final Domain domain;
    private final ProductMetrics products;
    private final java.util.function.Supplier<KafkaStreams.State> state;
    private final Clock clock;

    RuntimeStatus(Domain domain, ProductMetrics products, java.util.function.Supplier<KafkaStreams.State> state, Clock clock) {
        this.domain = domain;
        this.products = products;
        this.state = state;
        this.clock = clock;
    }

    public Domain domain() {
        return domain;
    }

    public boolean live() {
        KafkaStreams.State s = state.get();
        return s != null && s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING && s != KafkaStreams.State.PENDING_ERROR;
    }

    /** Empty when ready; otherwise one reason per failing check. */
    public List<String> notReady() {
        List<String> reasons = new ArrayList<>();
        KafkaStreams.State s = state.get();
        if (s != KafkaStreams.State.RUNNING) {
            reasons.add("topology is " + s);
        }
        for (Domain.Product<?> p : domain.products()) {
            Optional<Duration> age = freshness(p.topic().value());
            if (age.isPresent() && age.get().compareTo(p.freshness().slo()) > 0) {
                reasons.add("product " + p.topic().value() + " is " + age.get().toSeconds() + " s old, over its freshness SLO of "
                        + p.freshness().slo().toSeconds() + " s");
            }
        }
        return reasons;
    }

    /** now − newest recordedAt published to {@code topic}, if anything was published yet. */
    public Optional<Duration> freshness(String topic) {
        return products.newestRecordedAt(topic).map(t -> Duration.between(t, Instant.now(clock)));
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", domain.name());
        m.put("state", String.valueOf(state.get()));
        return m;
    }
}
