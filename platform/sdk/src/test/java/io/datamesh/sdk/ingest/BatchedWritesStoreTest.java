package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
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
    private StoreUnderTest s;

    /**
     * For input {@code prefix → n}: puts prefix-0 … prefix-(n-1), then tells how many of them the
     * store shows to a reader at that moment. For {@code key → delete}: puts key, deletes it.
     */
    static String write(Record<String, String> record, KeyValueStore<String, String> store) {
        if (record.value().equals("delete")) {
            store.put(record.key(), "doomed");
            store.delete(record.key());
            return null;
        }
        int n = Integer.parseInt(record.value());
        for (int i = 0; i < n; i++) {
            store.put(key(record.key(), i), "v" + i);
        }
        return Long.toString(IntStream.range(0, n).filter(i -> store.get(key(record.key(), i)) != null).count());
    }

    static String key(String prefix, int i) {
        return prefix + "-" + String.format("%05d", i);
    }

    @BeforeEach
    void start() throws Exception {
        s = new StoreUnderTest(BatchedWritesStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of())), BatchedWritesStoreTest::write);
    }

    @AfterEach
    void stop() throws Exception {
        s.close();
    }

    @Test
    void everyPutReachesStoreAndChangelogInOrderByTheCommitAndAtMostABatchWaits() {
        int n = 2 * BatchedWritesStore.BATCH + 7;
        s.in.pipeInput("a", Integer.toString(n));

        // During the record, full batches have gone down and the last 7 puts wait.
        assertThat(s.out.readValue()).isEqualTo(Integer.toString(2 * BatchedWritesStore.BATCH));
        List<KeyValue<String, String>> expected = IntStream.range(0, n).mapToObj(i -> KeyValue.pair(key("a", i), "v" + i)).toList();
        assertThat(s.changelog.readKeyValuesToList()).isEqualTo(expected);
        KeyValueStore<String, String> store = s.store(STORE);
        assertThat(IntStream.range(0, n).filter(i -> ("v" + i).equals(store.get(key("a", i)))).count()).isEqualTo(n);

        s.in.pipeInput("b", "3");
        assertThat(s.out.readValue()).isEqualTo("0");
        assertThat(s.changelog.readKeyValuesToList()).containsExactly(KeyValue.pair(key("b", 0), "v0"),
                KeyValue.pair(key("b", 1), "v1"), KeyValue.pair(key("b", 2), "v2"));
        assertThat(store.get(key("b", 2))).isEqualTo("v2");
    }

    @Test
    void aDeleteAfterAPutOfTheSameKeyWins() {
        s.in.pipeInput("k", "delete");

        assertThat(s.changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("k", "doomed"), KeyValue.pair("k", null));
        assertThat(s.store(STORE).get("k")).isNull();
    }
}
