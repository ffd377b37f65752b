package io.datamesh.sdk;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a running domain has read and published, per topic: records, and the newest recordedAt of
 * each product (its freshness is now minus that). One instance per runtime, handed to the
 * processors through the Streams config key {@link #CONFIG_KEY}; the runtime exports it as metrics.
 */
public final class ProductMetrics {

    /** Streams config key under which the instance is passed to the processors. */
    public static final String CONFIG_KEY = "mesh.product.metrics";

    private final Map<String, LongAdder> published = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> newestRecordedAt = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> consumed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> replaysDropped = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> tombstones = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> streamsStarted = new ConcurrentHashMap<>();

    /** The instance in a processor's app configs, or a private one when run without a runtime. */
    public static ProductMetrics from(Map<String, Object> appConfigs) {
        return appConfigs.get(CONFIG_KEY) instanceof ProductMetrics m ? m : new ProductMetrics();
    }

    public void published(String productTopic, Instant recordedAt) {
        publications(productTopic).published(recordedAt);
    }

    /** What is published to one product topic: a processor looks it up once and counts on it per record. */
    public Publications publications(String productTopic) {
        return new Publications(published.computeIfAbsent(productTopic, t -> new LongAdder()),
                newestRecordedAt.computeIfAbsent(productTopic, t -> new AtomicLong(Long.MIN_VALUE)));
    }

    /** The count of records read from one input topic, for a processor to keep. */
    public LongAdder consumption(String inputTopic) {
        return consumed.computeIfAbsent(inputTopic, t -> new LongAdder());
    }

    /** The counters of one product topic. */
    public record Publications(LongAdder count, AtomicLong newestRecordedAt) {

        public void published(Instant recordedAt) {
            count.increment();
            long millis = recordedAt.toEpochMilli();
            if (newestRecordedAt.get() < millis) {
                newestRecordedAt.accumulateAndGet(millis, Math::max);
            }
        }
    }

    /** The count of raw records a product dropped as replays of a position it had published, for a processor to keep. */
    public LongAdder replaysDropped(String productTopic) {
        return replaysDropped.computeIfAbsent(productTopic, t -> new LongAdder());
    }

    /** The count of raw records without a value (e.g. Debezium's tombstone after a delete) skipped on an input topic. */
    public LongAdder tombstones(String inputTopic) {
        return tombstones.computeIfAbsent(inputTopic, t -> new LongAdder());
    }

    /** The count of ordered source streams a product saw start (a new source, a capture's new epoch, a snapshot run). */
    public LongAdder streamsStarted(String productTopic) {
        return streamsStarted.computeIfAbsent(productTopic, t -> new LongAdder());
    }

    public long streamsStartedCount(String productTopic) {
        LongAdder a = streamsStarted.get(productTopic);
        return a == null ? 0 : a.sum();
    }

    public long replaysDroppedCount(String productTopic) {
        LongAdder a = replaysDropped.get(productTopic);
        return a == null ? 0 : a.sum();
    }

    public long tombstonesCount(String inputTopic) {
        LongAdder a = tombstones.get(inputTopic);
        return a == null ? 0 : a.sum();
    }

    public long publishedCount(String productTopic) {
        LongAdder a = published.get(productTopic);
        return a == null ? 0 : a.sum();
    }

    public long consumedCount(String inputTopic) {
        LongAdder a = consumed.get(inputTopic);
        return a == null ? 0 : a.sum();
    }

    /** The newest recordedAt published to {@code productTopic} by this instance, if any. */
    public Optional<Instant> newestRecordedAt(String productTopic) {
        AtomicLong v = newestRecordedAt.get(productTopic);
        return v == null || v.get() == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v.get()));
    }

    public Set<String> inputTopics() {
        return Set.copyOf(consumed.keySet());
    }
}
