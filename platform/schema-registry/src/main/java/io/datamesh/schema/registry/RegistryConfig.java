package io.datamesh.schema.registry;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The registry's settings, declared once with key, type, default, validator and doc.
 *
 * @param bootstrapServers Kafka holding the schemas topic
 * @param host address the HTTP server binds
 * @param port HTTP port (0 = a free one)
 * @param topic the compacted topic of schemas
 * @param replicationFactor replicas of that topic when the registry creates it
 * @param maxRequestBytes largest request body accepted; larger ones get 413
 * @param timeoutMs how long a read waits to catch up with the topic, or a write for Kafka
 */
public record RegistryConfig(String bootstrapServers, String host, int port, String topic, short replicationFactor,
                             int maxRequestBytes, int timeoutMs) {

    public static final String BOOTSTRAP_SERVERS = "registry.kafka.bootstrap.servers";
    public static final String HOST = "registry.host";
    public static final String PORT = "registry.port";
    public static final String TOPIC = "registry.topic";
    public static final String REPLICATION_FACTOR = "registry.topic.replication.factor";
    public static final String MAX_REQUEST_BYTES = "registry.max.request.bytes";
    public static final String TIMEOUT_MS = "registry.timeout.ms";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka bootstrap servers of the cluster that holds the schemas topic.")
            .define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the HTTP server binds to.")
            .define(PORT, Type.INT, 8081, Range.between(0, 65535), Importance.HIGH, "HTTP port; 0 picks a free one.")
            .define(TOPIC, Type.STRING, "_schemas", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Compacted topic that stores schemas and settings, as Confluent's registry does.")
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.between(1, 32), Importance.MEDIUM,
                    "Replicas of the schemas topic when the registry creates it.")
            .define(MAX_REQUEST_BYTES, Type.INT, 1024 * 1024, Range.between(1024, 64 * 1024 * 1024), Importance.LOW,
                    "Largest request body in bytes; a larger one is answered 413.")
            .define(TIMEOUT_MS, Type.INT, 10_000, Range.between(100, 600_000), Importance.LOW,
                    "Milliseconds a request may wait for Kafka (catching up, writing).");

    public RegistryConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
    }

    /**
     * Validates raw settings.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key and the bad value
     */
    public static RegistryConfig from(Map<String, ?> values) {
        AbstractConfig c = new AbstractConfig(DEFINITION, values, false);
        return new RegistryConfig(c.getString(BOOTSTRAP_SERVERS), c.getString(HOST), c.getInt(PORT), c.getString(TOPIC),
                c.getShort(REPLICATION_FACTOR), c.getInt(MAX_REQUEST_BYTES), c.getInt(TIMEOUT_MS));
    }
}
