package io.datamesh.sdk.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A store that writes in batches: puts wait in a list and go down together, through the wrapped
 * store's {@code putAll} (one RocksDB write batch, one position update; each entry still reaches the
 * changelog), when {@value #BATCH} are waiting and before every commit. A view writes one new
 * version per product record and reads nothing back, so a single RocksDB put per record buys
 * nothing but the per-write overhead.
 *
 * <p>Reads are not buffered: they see what has gone down, so a version shows in interactive queries
 * at the latest when the task commits (under exactly-once: when the transaction that carries its
 * changelog record is committed). Under exactly-once the batch reaches the changelog in that
 * transaction; a task closed without a commit drops what waits, as its output is dropped. The
 * changelog records of a batch carry the timestamp of the record being processed when the batch
 * goes down (the changelog is compacted, so no retention depends on it).
 */
public final class BatchedWritesStore<K, V> extends BufferingStore<K, V> {

    /** At most this many puts wait: about 150 KiB of product records of 300 B. */
    static final int BATCH = 500;
    private List<KeyValue<K, V>> pending = new ArrayList<>(BATCH);

    BatchedWritesStore(KeyValueStore<K, V> inner) {
        super(inner);
    }

    /** Wraps what {@code inner} builds; logging and caching are configured on {@code inner}. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new WrappingStoreBuilder<>(inner, BatchedWritesStore::new);
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        pending.add(KeyValue.pair(key, value));
        if (pending.size() >= BATCH) {
            writeBuffered();
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        writeBuffered();
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    /** A delete goes down at once, after the puts before it, so that they cannot bring the key back. */
    @Override
    public V delete(K key) {
        writeBuffered();
        return inner.delete(key);
    }

    @Override
    protected void writeBuffered() {
        if (pending.isEmpty()) {
            return;
        }
        List<KeyValue<K, V>> batch = pending;
        pending = new ArrayList<>(BATCH);
        inner.putAll(batch);
    }

    @Override
    protected void dropBuffered() {
        pending.clear();
    }
}
