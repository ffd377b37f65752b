package io.datamesh.sdk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The view stores a running domain's active tasks have open, by view and partition, as their
 * writers hold them. A view's writer registers its partition's store when Kafka Streams starts the
 * task's processing (after the store is restored) and removes it when the task stops processing
 * it (closed, suspended, moved away, turned into a standby). The query service reads a key's
 * partition from here: the same store object Kafka Streams' interactive queries hand out, without
 * Kafka Streams looking it up again among the instance's tasks, under their lock, and wrapping it
 * anew at every read. Whatever is not here, the query service asks Kafka Streams for.
 *
 * <p>One per running domain ({@link DomainStreams#views()}), passed to the processors through the
 * Kafka Streams settings under {@link #CONFIG_KEY}.
 */
public final class ViewStores {

    public static final String CONFIG_KEY = "mesh.view.stores";

    private record Partition(String view, int partition) {
    }

    private final Map<Partition, KeyValueStore<Bytes, byte[]>> open = new ConcurrentHashMap<>();

    /** The registry of the settings {@code appConfigs}, or a new one nobody reads (a topology run without the runtime). */
    public static ViewStores from(Map<String, Object> appConfigs) {
        return appConfigs.get(CONFIG_KEY) instanceof ViewStores v ? v : new ViewStores();
    }

    /** Partition {@code partition} of {@code view} is processed here, in {@code store}. */
    public void opened(String view, int partition, KeyValueStore<Bytes, byte[]> store) {
        open.put(new Partition(view, partition), store);
    }

    /** Partition {@code partition} of {@code view} is no longer processed here in {@code store}; a newer store stays. */
    public void closed(String view, int partition, KeyValueStore<Bytes, byte[]> store) {
        open.remove(new Partition(view, partition), store);
    }

    /**
     * The open store of partition {@code partition} of {@code view} that an active task of this
     * instance processes, or null: not processed here now, or closed since (a task closed without
     * stopping its processors first).
     */
    public KeyValueStore<Bytes, byte[]> active(String view, int partition) {
        KeyValueStore<Bytes, byte[]> store = open.get(new Partition(view, partition));
        return store != null && store.isOpen() ? store : null;
    }
}
