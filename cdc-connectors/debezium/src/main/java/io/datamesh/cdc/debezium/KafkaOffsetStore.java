package io.datamesh.cdc.debezium;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * Kafka Connect's offset store on {@code <domain>.cdc.offsets}, as the engine instantiates it by class
 * name, with an admin client it owns and closes when it stops. (The store Debezium builds for
 * {@code KafkaOffsetBackingStore} leaves its shared admin client running after the engine stopped:
 * one leaked client, with its thread, per capture start.)
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {

    private final AtomicReference<SharedTopicAdmin> admin;

    public KafkaOffsetStore() {
        this(new AtomicReference<>());
    }

    private KafkaOffsetStore(AtomicReference<SharedTopicAdmin> admin) {
        super(() -> admin.get().topicAdmin(), () -> "mesh-cdc", keyConverter());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> props = new HashMap<>();
        // Security settings of the cluster, if any, with the address.
        config.originals().forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.originals().getOrDefault("name", "mesh-cdc") + "-offsets-admin");
        SharedTopicAdmin previous = admin.getAndSet(new SharedTopicAdmin(props));
        if (previous != null) {
            previous.close();
        }
        super.configure(config);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            SharedTopicAdmin a = admin.getAndSet(null);
            if (a != null) {
                a.close();
            }
        }
    }

    private static JsonConverter keyConverter() {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false), true);
        return c;
    }
}
