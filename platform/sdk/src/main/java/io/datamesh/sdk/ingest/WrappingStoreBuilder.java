package io.datamesh.sdk.ingest;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds what {@code inner} builds, wrapped by {@code wrap}; logging and caching stay settings of
 * {@code inner}, so the store keeps its name, changelog and configuration.
 */
record WrappingStoreBuilder<K, V>(StoreBuilder<KeyValueStore<K, V>> inner, UnaryOperator<KeyValueStore<K, V>> wrap)
        implements StoreBuilder<KeyValueStore<K, V>> {

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        return new WrappingStoreBuilder<>(inner.withCachingEnabled(), wrap);
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        return new WrappingStoreBuilder<>(inner.withCachingDisabled(), wrap);
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        return new WrappingStoreBuilder<>(inner.withLoggingEnabled(config), wrap);
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        return new WrappingStoreBuilder<>(inner.withLoggingDisabled(), wrap);
    }

    @Override
    public KeyValueStore<K, V> build() {
        return wrap.apply(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
