package io.datamesh.sdk.ingest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that holds some writes back and hands everything else to the store it wraps;
 * subclasses say which writes wait and how they go down. It is a {@link CachedStateStore} (an
 * interface of Kafka Streams' internals package, Kafka 4.3) because that is how a store hears of a
 * commit before it happens: Kafka Streams calls {@link #flushCache()} on every such store of a
 * task right before it commits the task, and before a clean suspend or close. What waits is
 * dropped when the store is opened, when Kafka Streams clears its caches, and when it is closed
 * without that flush (a task closed dirty drops its output too).
 */
abstract class BufferingStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    protected final KeyValueStore<K, V> inner;

    BufferingStore(KeyValueStore<K, V> inner) {
        this.inner = Objects.requireNonNull(inner);
    }

    @Override
    public void put(K key, V value) {
        inner.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        inner.putAll(entries);
    }

    @Override
    public V delete(K key) {
        return inner.delete(key);
    }

    @Override
    public V get(K key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    /** Writes what waits to {@link #inner}. */
    protected abstract void writeBuffered();

    /** Forgets what waits. */
    protected abstract void dropBuffered();

    /** Called by Kafka Streams before every commit: what waits goes down first, then the cache below. */
    @Override
    public void flushCache() {
        writeBuffered();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        dropBuffered();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    /** No flush listeners: the SDK's stores forward nothing downstream. */
    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dropBuffered();
        inner.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        dropBuffered();
        inner.close();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
