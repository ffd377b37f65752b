package io.datamesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Three in-memory stores with random keys spread over them, read as one: every range, forwards and
 * backwards, is the range of one store holding all the keys. The seed is printed; set
 * -Dmerge.seed to replay it.
 */
class MergedPartitionsStoreTest {

    @Test
    void rangesOverThePartitionsAreInKeyOrderBothWays() {
        long seed = Long.getLong("merge.seed", System.nanoTime());
        System.out.println("MergedPartitionsStoreTest seed=" + seed);
        Random random = new Random(seed);
        List<ReadOnlyKeyValueStore<Bytes, byte[]>> partitions = new ArrayList<>();
        List<KeyValueStore<Bytes, byte[]>> writable = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            KeyValueStore<Bytes, byte[]> store = Stores.inMemoryKeyValueStore("partition-" + p).get();
            store.init(new MockProcessorContext<>().getStateStoreContext(), store);
            writable.add(store);
            partitions.add(store);
        }
        TreeMap<Bytes, byte[]> all = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            Bytes key = randomKey(random);
            if (!all.containsKey(key)) { // a key lives in one partition
                byte[] value = {(byte) i};
                all.put(key, value);
                writable.get(random.nextInt(3)).put(key, value);
            }
        }
        MergedPartitionsStore merged = new MergedPartitionsStore(() -> partitions);

        assertThat(keys(merged.all())).as("seed %d", seed).containsExactlyElementsOf(all.keySet());
        assertThat(keys(merged.reverseAll())).as("seed %d", seed).containsExactlyElementsOf(all.descendingKeySet());
        for (int q = 0; q < 200; q++) {
            Bytes a = randomKey(random);
            Bytes b = randomKey(random);
            Bytes from = a.compareTo(b) <= 0 ? a : b;
            Bytes to = a.compareTo(b) <= 0 ? b : a;
            assertThat(keys(merged.range(from, to))).as("range seed %d", seed)
                    .containsExactlyElementsOf(all.subMap(from, true, to, true).keySet());
            assertThat(keys(merged.reverseRange(from, to))).as("reverseRange seed %d", seed)
                    .containsExactlyElementsOf(all.subMap(from, true, to, true).descendingKeySet());
            assertThat(merged.get(a)).as("get seed %d", seed).isEqualTo(all.get(a));
        }
        assertThat(merged.approximateNumEntries()).isEqualTo(all.size());
    }

    @Test
    void anEmptyOrSinglePartitionIsReadAsItIs() {
        KeyValueStore<Bytes, byte[]> store = Stores.inMemoryKeyValueStore("only").get();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.put(Bytes.wrap(new byte[] {1}), new byte[] {1});
        store.put(Bytes.wrap(new byte[] {(byte) 0xF0}), new byte[] {2});

        assertThat(keys(new MergedPartitionsStore(List::of).all())).isEmpty();
        try (KeyValueIterator<Bytes, byte[]> it = new MergedPartitionsStore(() -> List.of(store)).reverseAll()) {
            assertThat(it.peekNextKey()).isEqualTo(Bytes.wrap(new byte[] {(byte) 0xF0})); // unsigned: 0xF0 after 0x01
            assertThat(it.next().value).containsExactly(2);
            assertThat(it.next().value).containsExactly(1);
            assertThat(it.hasNext()).isFalse();
        }
    }

    private static Bytes randomKey(Random random) {
        byte[] key = new byte[random.nextInt(4)];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (random.nextBoolean() ? random.nextInt(4) : random.nextInt(256)); // low bytes: many shared prefixes
        }
        return Bytes.wrap(key);
    }

    private static List<Bytes> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<Bytes> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining((KeyValue<Bytes, byte[]> kv) -> out.add(kv.key));
        }
        return out;
    }
}
