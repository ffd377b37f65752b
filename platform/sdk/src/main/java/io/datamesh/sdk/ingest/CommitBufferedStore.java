package io.datamesh.sdk.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store whose writes wait in memory until the task commits. The replay guard moves a
 * high-water mark on every record; through Kafka Streams' record cache each of those puts costs
 * a serialization, an LRU update and a copy of the record's context, only to be overwritten by the
 * next one. Here a put is one map entry, and the store below (its changelog and RocksDB; a cache
 * there would add nothing) sees the last value of each key once per commit.
 *
 * <p>When: Kafka Streams flushes the caches of a task's stores right before it commits the task
 * (and before a clean suspend or close), through {@link CachedStateStore#flushCache()}, an
 * interface of its internals package; that is the one internal type the SDK relies on (Kafka
 * 4.3). Under exactly-once the buffered writes therefore reach the changelog in the same
 * transaction as the output they describe, as the cache's did; a task closed dirty drops them,
 * with its aborted output. {@code KillNineTest} replays a source after a SIGKILL: if the marks
 * were not committed with the output, the replay would publish again.
 *
 * <p>Reads by the task see the buffered writes: a get looks in the buffer first, and range reads
 * write the buffer through before they read. Deletes write through at once. Interactive queries,
 * on other threads, see what was flushed.
 */
public final class CommitBufferedStore<K, V> extends BufferingStore<K, V> {

    private final Map<K, V> pending = new HashMap<>();

    CommitBufferedStore(KeyValueStore<K, V> inner) {
        super(inner);
    }

    /** Wraps what {@code inner} builds; logging and caching are configured on {@code inner}. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new WrappingStoreBuilder<>(inner, CommitBufferedStore::new);
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
        } else {
            pending.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public V delete(K key) {
        V buffered = pending.remove(key);
        V stored = inner.delete(key);
        return buffered != null ? buffered : stored;
    }

    @Override
    public V get(K key) {
        V buffered = pending.get(key);
        return buffered != null ? buffered : inner.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeBuffered();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeBuffered();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeBuffered();
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeBuffered();
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeBuffered();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        writeBuffered();
        return inner.approximateNumEntries();
    }

    @Override
    protected void writeBuffered() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<K, V> e : pending.entrySet()) {
            inner.put(e.getKey(), e.getValue());
        }
        pending.clear();
    }

    @Override
    protected void dropBuffered() {
        pending.clear();
    }
}
