package io.datamesh.topics;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The platform's topic settings, each declared once with its key, type, default, validator and doc.
 * The defaults suit the one-node dev broker; the Helm chart sets replication 3 and min ISR 2.
 *
 * @param replicationFactor replicas of every topic the platform creates
 * @param minInsyncReplicas {@code min.insync.replicas} of products, DLQs and changelogs
 * @param partitions partitions of a new raw or product topic unless its owner says otherwise
 * @param rawRetention how long private raw records are kept
 * @param dlqRetention how long dead letters are kept
 */
public record TopicSettings(short replicationFactor, int minInsyncReplicas, int partitions,
                            Duration rawRetention, Duration dlqRetention) {

    public static final String REPLICATION_FACTOR = "topics.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "topics.min.insync.replicas";
    public static final String PARTITIONS = "topics.partitions";
    public static final String RAW_RETENTION_MS = "topics.raw.retention.ms";
    public static final String DLQ_RETENTION_MS = "topics.dlq.retention.ms";

    /** Every option, for validation and for docs generated from it. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.between(1, 32), Importance.HIGH,
                    "Replicas of every topic the platform creates (1 on the dev broker, 3 in production).")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, Range.between(1, 32), Importance.HIGH,
                    "min.insync.replicas of products, dead-letter topics and changelogs; must not exceed the replication factor.")
            .define(PARTITIONS, Type.INT, 3, Range.between(1, 10_000), Importance.MEDIUM,
                    "Partitions of a new raw or product topic when its owner does not say; bounds the parallelism of its consumers.")
            .define(RAW_RETENTION_MS, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(-1), Importance.MEDIUM,
                    "Milliseconds private raw records are kept (-1 keeps them forever).")
            .define(DLQ_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(), Range.atLeast(-1), Importance.MEDIUM,
                    "Milliseconds dead letters are kept before they expire (-1 keeps them forever).");

    public TopicSettings {
        if (replicationFactor < 1) {
            throw new ConfigException(REPLICATION_FACTOR, replicationFactor, "must be at least 1");
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new ConfigException(MIN_INSYNC_REPLICAS, minInsyncReplicas,
                    "must be between 1 and " + REPLICATION_FACTOR + " (" + replicationFactor + ")");
        }
        if (partitions < 1) {
            throw new ConfigException(PARTITIONS, partitions, "must be at least 1");
        }
    }

    /** The defaults of {@link #DEFINITION}: the dev broker's settings. */
    public static TopicSettings defaults() {
        return from(Map.of());
    }

    /**
     * Validates raw key/value settings against {@link #DEFINITION}.
     *
     * @throws ConfigException naming the key and the bad value
     */
    public static TopicSettings from(Map<String, ?> values) {
        AbstractConfig c = new AbstractConfig(DEFINITION, values, false);
        return new TopicSettings(c.getShort(REPLICATION_FACTOR), c.getInt(MIN_INSYNC_REPLICAS), c.getInt(PARTITIONS),
                retention(c, RAW_RETENTION_MS), retention(c, DLQ_RETENTION_MS));
    }

    private static Duration retention(AbstractConfig c, String key) {
        long ms = c.getLong(key);
        return ms < 0 ? null : Duration.ofMillis(ms);
    }

    /** {@code retention.ms} for raw topics; -1 when kept forever. */
    long rawRetentionMs() {
        return rawRetention == null ? -1 : rawRetention.toMillis();
    }

    /** {@code retention.ms} for dead letters; -1 when kept forever. */
    long dlqRetentionMs() {
        return dlqRetention == null ? -1 : dlqRetention.toMillis();
    }
}
