package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buffered store under Kafka Streams (the test driver commits after every input record):
 * reads see buffered writes, and the changelog receives the last value of each key per commit.
 */
class CommitBufferedStoreTest {

    private static final String STORE = "marks";
    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;
    private TestOutputTopic<String, String> out;
    private TestOutputTopic<String, String> changelog;

    /** For input {@code k = a,b,c}: puts k→a, k→b, k→c, then forwards what get and a range read see. */
    static final class Writer implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value().equals("delete")) {
                context.forward(record.withValue("deleted " + store.delete(record.key()) + ", now " + store.get(record.key())));
                return;
            }
            for (String v : record.value().split(",")) {
                store.put(record.key(), v);
            }
            List<String> all = new ArrayList<>();
            try (KeyValueIterator<String, String> it = store.range("a", "z")) {
                it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value));
            }
            String absent = store.putIfAbsent(record.key(), "ignored");
            context.forward(record.withValue("get " + store.get(record.key()) + ", putIfAbsent " + absent + ", range " + all));
        }
    }

    @BeforeEach
    void start() throws Exception {
        stateDir = Files.createTempDirectory("buffered-store-");
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("writer", Writer::new, "in");
        topology.addStateStore(CommitBufferedStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()).withCachingDisabled()), "writer");
        topology.addSink("out", "out", Serdes.String().serializer(), Serdes.String().serializer(), "writer");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
        out = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
        changelog = driver.createOutputTopic("app-" + STORE + "-changelog", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void readsSeeBufferedWritesAndTheChangelogGetsTheLastValuePerCommit() {
        in.pipeInput("m", "1,2,3");
        assertThat(out.readValue()).isEqualTo("get 3, putIfAbsent 3, range [m=3]");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("m", "3"));

        in.pipeInput("k", "7,8");
        assertThat(out.readValue()).isEqualTo("get 8, putIfAbsent 8, range [k=8, m=3]");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("k", "8"));

        in.pipeInput("m", "delete");
        assertThat(out.readValue()).isEqualTo("deleted 3, now null");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("m", null));
        assertThat(driver.<String, String>getKeyValueStore(STORE).get("k")).isEqualTo("8");
    }
}
