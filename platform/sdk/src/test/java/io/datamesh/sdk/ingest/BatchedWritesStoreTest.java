package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batching store under Kafka Streams (the test driver commits after every input record): every
 * put reaches the store and the changelog, in order, by the commit; no more than a batch waits;
 * a delete is not undone by puts before it.
 */
class BatchedWritesStoreTest {

    private static final String STORE = "versions";
    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;
    private TestOutputTopic<String, String> out;
    private TestOutputTopic<String, String> changelog;

    /**
     * For input {@code prefix → n}: puts prefix-0 … prefix-(n-1), then forwards how many of them the
     * store shows to a reader at that moment. For {@code key → delete}: puts key, deletes it.
     */
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
                store.put(record.key(), "doomed");
                store.delete(record.key());
                return;
            }
            int n = Integer.parseInt(record.value());
            for (int i = 0; i < n; i++) {
                store.put(key(record.key(), i), "v" + i);
            }
            long shown = IntStream.range(0, n).filter(i -> store.get(key(record.key(), i)) != null).count();
            context.forward(record.withValue(Long.toString(shown)));
        }
    }

    static String key(String prefix, int i) {
        return prefix + "-" + String.format("%05d", i);
    }

    @BeforeEach
    void start() throws Exception {
        stateDir = Files.createTempDirectory("batched-store-");
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("writer", Writer::new, "in");
        topology.addStateStore(BatchedWritesStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of())), "writer");
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
    void everyPutReachesStoreAndChangelogInOrderByTheCommitAndAtMostABatchWaits() {
        int n = 2 * BatchedWritesStore.BATCH + 7;
        in.pipeInput("a", Integer.toString(n));

        // During the record, full batches have gone down and the last 7 puts wait.
        assertThat(out.readValue()).isEqualTo(Integer.toString(2 * BatchedWritesStore.BATCH));
        List<KeyValue<String, String>> expected = IntStream.range(0, n).mapToObj(i -> KeyValue.pair(key("a", i), "v" + i)).toList();
        assertThat(changelog.readKeyValuesToList()).isEqualTo(expected);
        KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
        assertThat(IntStream.range(0, n).filter(i -> ("v" + i).equals(store.get(key("a", i)))).count()).isEqualTo(n);

        in.pipeInput("b", "3");
        assertThat(out.readValue()).isEqualTo("0");
        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair(key("b", 0), "v0"),
                KeyValue.pair(key("b", 1), "v1"), KeyValue.pair(key("b", 2), "v2"));
        assertThat(store.get(key("b", 2))).isEqualTo("v2");
    }

    @Test
    void aDeleteAfterAPutOfTheSameKeyWins() {
        in.pipeInput("k", "delete");

        assertThat(changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("k", "doomed"), KeyValue.pair("k", null));
        assertThat(driver.<String, String>getKeyValueStore(STORE).get("k")).isNull();
    }
}
