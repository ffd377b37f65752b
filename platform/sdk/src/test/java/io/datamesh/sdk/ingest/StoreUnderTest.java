package io.datamesh.sdk.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A store of strings under the test driver (which commits after every input record): topic
 * {@code in} feeds a processor that uses the store, what it forwards goes to {@code out}, and the
 * store's changelog can be read as {@code changelog}.
 */
final class StoreUnderTest implements AutoCloseable {

    /** What the processor does with a record and the store; what it returns is forwarded, unless null. */
    interface Use {
        String apply(Record<String, String> record, KeyValueStore<String, String> store);
    }

    final TopologyTestDriver driver;
    final TestInputTopic<String, String> in;
    final TestOutputTopic<String, String> out;
    final TestOutputTopic<String, String> changelog;
    private final Path stateDir;

    StoreUnderTest(StoreBuilder<KeyValueStore<String, String>> store, Use use) throws Exception {
        stateDir = Files.createTempDirectory("store-under-test-");
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("user", () -> new User(store.name(), use), "in");
        topology.addStateStore(store, "user");
        topology.addSink("out", "out", Serdes.String().serializer(), Serdes.String().serializer(), "user");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
        out = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
        changelog = driver.createOutputTopic("app-" + store.name() + "-changelog", Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    KeyValueStore<String, String> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() throws Exception {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final class User implements Processor<String, String, String, String> {
        private final String storeName;
        private final Use use;
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        User(String storeName, Use use) {
            this.storeName = storeName;
            this.use = use;
        }

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, String> record) {
            String result = use.apply(record, store);
            if (result != null) {
                context.forward(record.withValue(result));
            }
        }
    }
}
