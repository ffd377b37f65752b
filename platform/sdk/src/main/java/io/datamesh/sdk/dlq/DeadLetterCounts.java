package io.datamesh.sdk.dlq;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dead letters counted by stage and reason class (a fixed set, {@link ReasonClass}: the free-text
 * reason stays in the letter). One instance per running domain, handed to the
 * {@link DeadLetterHandler}s of its stream threads through the Streams config key {@link #CONFIG_KEY};
 * the runtime exports it as the metric {@code mesh.dlq.records{domain,stage,reason}}.
 */
public final class DeadLetterCounts {

    /** Streams config key under which the instance is passed to the handlers. */
    public static final String CONFIG_KEY = "mesh.dlq.counts";

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    /** A (stage, reason class) pair. */
    public record Key(Stage stage, ReasonClass reasonClass) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = stage.compareTo(o.stage);
            return c != 0 ? c : reasonClass.compareTo(o.reasonClass);
        }
    }

    void increment(Stage stage, ReasonClass reasonClass) {
        counts.computeIfAbsent(new Key(stage, reasonClass), k -> new LongAdder()).increment();
    }

    /** A snapshot, sorted by stage then reason. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Total dead letters so far. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
