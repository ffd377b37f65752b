package io.datamesh.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
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
    private StoreUnderTest s;

    /** For input {@code k = a,b,c}: puts k→a, k→b, k→c, then tells what get and a range read see. */
    static String write(Record<String, String> record, KeyValueStore<String, String> store) {
        if (record.value().equals("delete")) {
            return "deleted " + store.delete(record.key()) + ", now " + store.get(record.key());
        }
        for (String v : record.value().split(",")) {
            store.put(record.key(), v);
        }
        List<String> all = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range("a", "z")) {
            it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value));
        }
        String absent = store.putIfAbsent(record.key(), "ignored");
        return "get " + store.get(record.key()) + ", putIfAbsent " + absent + ", range " + all;
    }

    @BeforeEach
    void start() throws Exception {
        s = new StoreUnderTest(CommitBufferedStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(Map.of()).withCachingDisabled()), CommitBufferedStoreTest::write);
    }

    @AfterEach
    void stop() throws Exception {
        s.close();
    }

    @Test
    void readsSeeBufferedWritesAndTheChangelogGetsTheLastValuePerCommit() {
        s.in.pipeInput("m", "1,2,3");
        assertThat(s.out.readValue()).isEqualTo("get 3, putIfAbsent 3, range [m=3]");
        assertThat(s.changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("m", "3"));

        s.in.pipeInput("k", "7,8");
        assertThat(s.out.readValue()).isEqualTo("get 8, putIfAbsent 8, range [k=8, m=3]");
        assertThat(s.changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("k", "8"));

        s.in.pipeInput("m", "delete");
        assertThat(s.out.readValue()).isEqualTo("deleted 3, now null");
        assertThat(s.changelog.readKeyValuesToList()).containsExactly(KeyValue.pair("m", null));
        assertThat(s.store(STORE).get("k")).isEqualTo("8");
    }
}
