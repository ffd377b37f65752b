package io.datamesh.bitemporal;

import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builders of bitemporal view stores: RocksDB, with a compacted changelog. Compaction keeps the
 * last record per key, and every version has a key of its own, so it only collapses exact replays.
 */
public final class BitemporalStores {

    private BitemporalStores() {
    }

    /** A persistent (RocksDB) store named {@code name}, logged to a compacted changelog. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> persistent(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"));
    }

    /** An in-memory store, for tests and small reference views; same changelog settings. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> inMemory(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"));
    }
}
