package io.datamesh.bitemporal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** A real (RocksDB or in-memory) store, owned by a test driver so that it is opened and closed as in production. */
final class StoreFixture implements AutoCloseable {

    static final String STORE = "test-view";

    private final TopologyTestDriver driver;
    private final Path stateDir;

    private StoreFixture(StoreBuilder<KeyValueStore<Bytes, byte[]>> builder) throws Exception {
        Topology topology = new Topology();
        topology.addSource("source", Serdes.String().deserializer(), Serdes.String().deserializer(), "unused.raw.input");
        topology.addProcessor("noop", () -> new Processor<String, String, Void, Void>() {
            @Override
            public void process(Record<String, String> record) {
            }
        }, "source");
        topology.addStateStore(builder, "noop");
        stateDir = Files.createTempDirectory("bitemporal-test-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test.view");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
    }

    static StoreFixture rocksDb() throws Exception {
        return new StoreFixture(BitemporalStores.persistent(STORE));
    }

    static StoreFixture inMemory() throws Exception {
        return new StoreFixture(BitemporalStores.inMemory(STORE));
    }

    KeyValueStore<Bytes, byte[]> store() {
        return driver.getKeyValueStore(STORE);
    }

    BitemporalStore<String> strings() {
        return new BitemporalStore<>(store(), Serdes.String(), "test.product.things.v1");
    }

    @Override
    public void close() throws Exception {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
