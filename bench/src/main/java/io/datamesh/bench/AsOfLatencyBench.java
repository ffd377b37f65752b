package io.datamesh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.BitemporalStores;
import io.datamesh.bitemporal.Version;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * B4: latency of {@code asOf} on a RocksDB view whose entities have {@code versions} versions each,
 * and the baseline: a plain key-value {@code get} on a RocksDB store of the same engine. Lookups ask
 * for a random valid time as known now, so they land anywhere in the history.
 */
final class AsOfLatencyBench implements Bench {

    private static final int PAYLOAD_BYTES = 100;
    private final int versions;
    private final boolean plainGet;
    private int entities;
    private int lookups;
    private Path stateDir;
    private TopologyTestDriver driver;
    private BitemporalStore<byte[]> view;
    private KeyValueStore<Bytes, byte[]> plain;
    private final Random random = new Random(42);

    /** An as-of bench with {@code versions} per entity. */
    static AsOfLatencyBench asOf(int versions) {
        return new AsOfLatencyBench(versions, false);
    }

    /** The baseline: plain gets. */
    static AsOfLatencyBench plainGet() {
        return new AsOfLatencyBench(1, true);
    }

    private AsOfLatencyBench(int versions, boolean plainGet) {
        this.versions = versions;
        this.plainGet = plainGet;
    }

    @Override
    public String name() {
        return plainGet ? "kv-get" : "asof-" + versions;
    }

    @Override
    public void setUp(BenchContext context) throws Exception {
        int totalVersions = context.scale(200_000);
        entities = Math.max(1, totalVersions / versions);
        lookups = context.scale(20_000);
        stateDir = Files.createTempDirectory("bench-asof-");
        Topology topology = new Topology();
        topology.addSource("in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), "bench.raw.unused");
        topology.addProcessor("noop", () -> new Processor<Object, Object, Void, Void>() {
            @Override
            public void process(Record<Object, Object> record) {
            }
        }, "in");
        topology.addStateStore(BitemporalStores.persistent("view").withLoggingDisabled(), "noop");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("plain"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled(), "noop");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench.asof");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        byte[] payload = new byte[PAYLOAD_BYTES];
        if (plainGet) {
            plain = driver.getKeyValueStore("plain");
            for (int e = 0; e < entities; e++) {
                plain.put(Bytes.wrap(("entity-" + e).getBytes()), payload);
            }
        } else {
            view = new BitemporalStore<>(driver.getKeyValueStore("view"), Serdes.ByteArray(), "bench");
            for (int e = 0; e < entities; e++) {
                for (int v = 0; v < versions; v++) {
                    Instant t = Instant.ofEpochSecond(1_500_000_000L + v * 60L);
                    view.put(Version.upsert("entity-" + e, t, t, payload));
                }
            }
        }
    }

    @Override
    public Sample runOnce() {
        long[] nanos = new long[lookups];
        Instant now = Instant.ofEpochSecond(2_000_000_000L);
        for (int i = 0; i < lookups; i++) {
            String entity = "entity-" + random.nextInt(entities);
            long start;
            if (plainGet) {
                Bytes key = Bytes.wrap(entity.getBytes());
                start = System.nanoTime();
                if (plain.get(key) == null) {
                    throw new IllegalStateException("missing " + entity);
                }
            } else {
                Instant validAt = Instant.ofEpochSecond(1_500_000_000L + random.nextInt(versions) * 60L + 30);
                start = System.nanoTime();
                if (view.asOf(entity, validAt, now).isEmpty()) {
                    throw new IllegalStateException("no version of " + entity + " at " + validAt);
                }
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return new Sample(Map.of("p50 µs", nanos[lookups / 2] / 1e3, "p99 µs", nanos[(int) (lookups * 0.99)] / 1e3));
    }

    @Override
    public void tearDown() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (stateDir == null) {
            return;
        }
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
