package io.datamesh.cdc.debezium;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A capture's metrics, Micrometer-named with the tag {@code domain}:
 * <ul>
 *   <li>{@code mesh.cdc.records{table,kind}}: raw records Kafka acknowledged, {@code kind} = {@code change} or {@code snapshot};</li>
 *   <li>{@code mesh.cdc.commit.to.kafka}: from a change's commit time in the binlog to Kafka's acknowledgement
 *       (a histogram; MariaDB writes commit times in whole seconds, so a sample is up to a second long);</li>
 *   <li>{@code mesh.cdc.binlog.headroom} (bytes) and {@code mesh.cdc.binlog.headroom.files}: how far the oldest
 *       binlog on the server lies behind the stored offset; NaN before the first measure;</li>
 *   <li>{@code mesh.cdc.up}: 1 while snapshotting or streaming, 0 while starting, reconnecting or stopped;</li>
 *   <li>Debezium's own: {@code debezium.milliseconds.behind.source} (lag behind the source),
 *       {@code debezium.connected}, {@code debezium.snapshot.running}, {@code debezium.snapshot.tables},
 *       {@code debezium.snapshot.tables.remaining}, {@code debezium.events.seen}.</li>
 * </ul>
 */
final class CaptureMetrics {

    private final PrometheusMeterRegistry registry;
    private final String domain;
    private final Map<String, Counter> changes = new java.util.LinkedHashMap<>();
    private final Map<String, Counter> reads = new HashMap<>();
    private final Timer commitToKafka;

    CaptureMetrics(PrometheusMeterRegistry registry, CaptureConfig config, DebeziumJmx jmx, Supplier<Headroom> headroom,
                   Supplier<CaptureStatus.State> state) {
        this.registry = registry;
        this.domain = config.domain();
        for (String table : config.tables()) {
            changes.put(table, Counter.builder("mesh.cdc.records").tag("domain", domain).tag("table", table).tag("kind", "change")
                    .description("Raw records Kafka acknowledged").register(registry));
            reads.put(table, Counter.builder("mesh.cdc.records").tag("domain", domain).tag("table", table).tag("kind", "snapshot")
                    .description("Raw records Kafka acknowledged").register(registry));
        }
        commitToKafka = Timer.builder("mesh.cdc.commit.to.kafka").tag("domain", domain)
                .description("From a change's commit time in the binlog (whole seconds) to Kafka's acknowledgement of its raw record")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        Gauge.builder("mesh.cdc.binlog.headroom", headroom, h -> h.get() == null ? Double.NaN : h.get().bytes())
                .tag("domain", domain).baseUnit("bytes")
                .description("Bytes of binlog between the oldest file on the server and the stored offset").strongReference(true).register(registry);
        Gauge.builder("mesh.cdc.binlog.headroom.files", headroom, h -> h.get() == null ? Double.NaN : h.get().files())
                .tag("domain", domain).description("Binlog files on the server older than the stored offset's").strongReference(true).register(registry);
        Gauge.builder("mesh.cdc.up", state, s -> s.get() == CaptureStatus.State.STREAMING || s.get() == CaptureStatus.State.SNAPSHOTTING ? 1 : 0)
                .tag("domain", domain).description("1 while the capture snapshots or streams").strongReference(true).register(registry);
        Gauge.builder("debezium.milliseconds.behind.source", jmx, j -> j.millisBehindSource().map(Long::doubleValue).orElse(Double.NaN))
                .tag("domain", domain).description("Debezium: now minus the binlog time of the last event read").register(registry);
        Gauge.builder("debezium.connected", jmx, j -> j.connected().map(c -> c ? 1.0 : 0.0).orElse(0.0))
                .tag("domain", domain).description("Debezium: whether the binlog reader is connected").register(registry);
        Gauge.builder("debezium.events.seen", jmx, j -> j.eventsSeen().map(Long::doubleValue).orElse(Double.NaN))
                .tag("domain", domain).description("Debezium: binlog events seen since the task started").register(registry);
        Gauge.builder("debezium.snapshot.running", jmx, j -> j.snapshot().map(s -> s.running() ? 1.0 : 0.0).orElse(0.0))
                .tag("domain", domain).description("Debezium: whether a snapshot (initial or incremental) runs").register(registry);
        Gauge.builder("debezium.snapshot.tables", jmx, j -> j.snapshot().map(s -> (double) s.totalTables()).orElse(Double.NaN))
                .tag("domain", domain).description("Debezium: tables of the running or last snapshot").register(registry);
        Gauge.builder("debezium.snapshot.tables.remaining", jmx, j -> j.snapshot().map(s -> (double) s.remainingTables()).orElse(Double.NaN))
                .tag("domain", domain).description("Debezium: tables the running snapshot has still to read").register(registry);
    }

    /** A raw record Kafka acknowledged at {@code ackMillis} (epoch milliseconds). */
    void acknowledged(RawRecords.Raw raw, long ackMillis) {
        if (raw.snapshot()) {
            reads.get(raw.table()).increment();
        } else {
            changes.get(raw.table()).increment();
            commitToKafka.record(Duration.ofMillis(Math.max(0, ackMillis - raw.recordedAt().toEpochMilli())));
        }
    }

    /** Records acknowledged per table since start, changes and reads together. */
    Map<String, Long> perTable() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        changes.forEach((t, c) -> m.put(t, (long) c.count() + (long) reads.get(t).count()));
        return m;
    }

    String scrape() {
        return registry.scrape();
    }
}
