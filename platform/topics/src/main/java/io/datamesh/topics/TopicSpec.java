package io.datamesh.topics;

import java.util.Map;
import java.util.Objects;

/**
 * A topic as the platform wants it: name, partitions, replication and the topic-level settings
 * that DESIGN fixes for its kind.
 */
public record TopicSpec(TopicName name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name.value() + " must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor of " + name.value() + " must be at least 1, was " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /**
     * The spec DESIGN gives a topic of this name: products delete-policy and never expire; raw
     * topics and DLQs expire after the configured retention; changelogs are compacted.
     */
    public static TopicSpec of(TopicName name, int partitions, TopicSettings settings) {
        String minIsr = String.valueOf(settings.minInsyncReplicas());
        Map<String, String> configs = switch (name.kind()) {
            case PRODUCT -> Map.of("cleanup.policy", "delete", "retention.ms", "-1", "min.insync.replicas", minIsr);
            case RAW -> Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(settings.rawRetentionMs()),
                    "min.insync.replicas", minIsr);
            case DLQ -> Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(settings.dlqRetentionMs()),
                    "min.insync.replicas", minIsr);
            case CHANGELOG -> Map.of("cleanup.policy", "compact", "min.insync.replicas", minIsr);
            case REPARTITION -> Map.of("cleanup.policy", "delete", "min.insync.replicas", minIsr);
            case CDC_OFFSETS -> Map.of("cleanup.policy", "compact", "min.insync.replicas", minIsr);
            // Debezium reads the whole history at start: it must never expire nor be compacted.
            case CDC_SCHEMA_HISTORY -> Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1",
                    "min.insync.replicas", minIsr);
            case CDC_SIGNALS -> Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(settings.rawRetentionMs()),
                    "min.insync.replicas", minIsr);
            // One receipt per source id, kept as long as the products they vouch for.
            case RECEIPTS -> Map.of("cleanup.policy", "compact", "min.insync.replicas", minIsr);
        };
        return new TopicSpec(name, partitions, settings.replicationFactor(), configs);
    }

    /**
     * The spec with the platform's default partition count; one partition for a domain's dead letters
     * (few records, read whole by {@code mesh dlq}), for a CDC capture's state and for the receipts
     * of its sources (read whole by {@code mesh audit}). Every component that
     * creates a domain's topics (its runtime, its sources) asks here, so they agree.
     */
    public static TopicSpec of(TopicName name, TopicSettings settings) {
        return of(name, name instanceof TopicName.Cdc || name instanceof TopicName.DeadLetters
                || name instanceof TopicName.Receipts ? 1 : settings.partitions(), settings);
    }
}
