package io.datamesh.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * The partitions of a key-value store that this instance holds, read as one store: {@code get}
 * asks each partition, and every range merges the partitions' ranges in key order (the reverse
 * ones in reverse order). Kafka Streams' own composite store concatenates them, partition after
 * partition, so that a range over several local partitions is not in key order, and whatever walks
 * keys through ranges (an as-of range, paging with {@code nextEntity}) skips or repeats keys.
 *
 * <p>Keys compare as {@link Bytes} do, by unsigned bytes: the order of every partition's store. The
 * partitions are looked up at each read, as Kafka's composite store does, so that a store handed out
 * once keeps answering across rebalances (a read while a partition moves throws Kafka's
 * {@code InvalidStateStoreException}).
 */
final class MergedPartitionsStore implements ReadOnlyKeyValueStore<Bytes, byte[]> {

    private final Supplier<List<ReadOnlyKeyValueStore<Bytes, byte[]>>> partitions;

    /** @param partitions the stores of the partitions, asked for at each read */
    MergedPartitionsStore(Supplier<List<ReadOnlyKeyValueStore<Bytes, byte[]>>> partitions) {
        this.partitions = Objects.requireNonNull(partitions, "partitions");
    }

    /**
     * The store type to ask {@code KafkaStreams.store} for: it hands out the local partitions of a
     * plain key-value store (such as a view's) as one {@code MergedPartitionsStore}.
     */
    static QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> type() {
        QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> keyValue = QueryableStoreTypes.keyValueStore();
        return new QueryableStoreType<>() {
            @Override
            public boolean accepts(StateStore store) {
                // A timestamped store's values carry a timestamp: read plainly, they would not be the values put.
                return keyValue.accepts(store) && !(store instanceof TimestampedKeyValueStore);
            }

            @Override
            public ReadOnlyKeyValueStore<Bytes, byte[]> create(StateStoreProvider provider, String storeName) {
                return new MergedPartitionsStore(() -> provider.stores(storeName, this));
            }
        };
    }

    @Override
    public byte[] get(Bytes key) {
        for (ReadOnlyKeyValueStore<Bytes, byte[]> partition : partitions.get()) {
            byte[] value = partition.get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return merge(p -> p.range(from, to), Comparator.naturalOrder());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return merge(p -> p.reverseRange(from, to), Comparator.reverseOrder());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return merge(ReadOnlyKeyValueStore::all, Comparator.naturalOrder());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return merge(ReadOnlyKeyValueStore::reverseAll, Comparator.reverseOrder());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return merge(p -> p.prefixScan(prefix, prefixKeySerializer), Comparator.naturalOrder());
    }

    @Override
    public long approximateNumEntries() {
        long total = 0;
        for (ReadOnlyKeyValueStore<Bytes, byte[]> partition : partitions.get()) {
            total += partition.approximateNumEntries();
            if (total < 0) {
                return Long.MAX_VALUE; // as Kafka's composite store: an estimate that overflows is "very many"
            }
        }
        return total;
    }

    /** Opens the range on every partition and merges them; if one cannot be opened, those opened are closed. */
    private KeyValueIterator<Bytes, byte[]> merge(Function<ReadOnlyKeyValueStore<Bytes, byte[]>, KeyValueIterator<Bytes, byte[]>> open,
                                                  Comparator<Bytes> order) {
        List<KeyValueIterator<Bytes, byte[]>> opened = new ArrayList<>();
        try {
            for (ReadOnlyKeyValueStore<Bytes, byte[]> partition : partitions.get()) {
                opened.add(open.apply(partition));
            }
            return new MergedIterator(opened, order);
        } catch (RuntimeException e) {
            for (KeyValueIterator<Bytes, byte[]> it : opened) {
                try {
                    it.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** The iterators of several partitions as one: the next entry is the one with the first next key among them. */
    private static final class MergedIterator implements KeyValueIterator<Bytes, byte[]> {

        private final List<KeyValueIterator<Bytes, byte[]>> iterators;
        private final PriorityQueue<KeyValueIterator<Bytes, byte[]>> byNextKey;

        MergedIterator(List<KeyValueIterator<Bytes, byte[]>> iterators, Comparator<Bytes> order) {
            this.iterators = iterators;
            this.byNextKey = new PriorityQueue<>(Math.max(1, iterators.size()), Comparator.comparing(KeyValueIterator::peekNextKey, order));
            for (KeyValueIterator<Bytes, byte[]> it : iterators) {
                if (it.hasNext()) {
                    byNextKey.add(it);
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !byNextKey.isEmpty();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            KeyValueIterator<Bytes, byte[]> first = byNextKey.poll();
            if (first == null) {
                throw new NoSuchElementException("no more entries in the merged partitions");
            }
            KeyValue<Bytes, byte[]> entry = first.next();
            if (first.hasNext()) {
                byNextKey.add(first);
            }
            return entry;
        }

        @Override
        public Bytes peekNextKey() {
            KeyValueIterator<Bytes, byte[]> first = byNextKey.peek();
            if (first == null) {
                throw new NoSuchElementException("no more entries in the merged partitions");
            }
            return first.peekNextKey();
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (KeyValueIterator<Bytes, byte[]> it : iterators) {
                try {
                    it.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
