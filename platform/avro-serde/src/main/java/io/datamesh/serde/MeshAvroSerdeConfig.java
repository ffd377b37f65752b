package io.datamesh.serde;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The serdes' options, declared once (Confluent's names where Confluent has one). */
final class MeshAvroSerdeConfig extends AbstractConfig {

    static final String URL = "schema.registry.url";
    static final String CLIENT = "schema.registry.client";
    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String SPECIFIC = "specific.avro.reader";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(URL, Type.STRING, null, Importance.HIGH,
                    "Registry base URL, e.g. http://127.0.0.1:8081; mem://<scope> for an in-memory registry in tests.")
            .define(AUTO_REGISTER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Register a record's schema on first use. Off for products: the runtime registers them at deploy; on in dev.")
            .define(SPECIFIC, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Read into generated classes (found by the writer schema's name) instead of generic records.");

    MeshAvroSerdeConfig(Map<?, ?> values) {
        super(DEFINITION, values, false);
    }

    /** The client: an instance passed under {@link #CLIENT}, else one for the URL. */
    SchemaRegistryClient client() {
        Object given = originals().get(CLIENT);
        if (given instanceof SchemaRegistryClient c) {
            return c;
        }
        String url = getString(URL);
        if (url == null || url.isBlank()) {
            throw new org.apache.kafka.common.config.ConfigException(URL, url, "the Avro serdes need a schema registry URL");
        }
        if (url.startsWith("mem://")) {
            return InMemorySchemaRegistryClient.scope(url.substring("mem://".length()));
        }
        return new RestSchemaRegistryClient(url);
    }
}
