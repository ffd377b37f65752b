package io.datamesh.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in Confluent's wire format under the subject
 * {@code <topic>-value} (or {@code -key}). The schema must be registered already unless
 * {@code auto.register.schemas=true}; a missing one fails naming the subject.
 */
public final class MeshAvroSerializer<T extends GenericContainer> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean autoRegister;
    private boolean isKey;
    private SpecificData model = AvroModels.specific(getClass().getClassLoader());
    /** Magic byte and schema id, by schema. */
    private final Map<Schema, byte[]> headers = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** Encodes one value of a schema straight to Avro binary: for callers that write the fields themselves. */
    @FunctionalInterface
    public interface Body {
        void write(Encoder out) throws IOException;
    }

    public MeshAvroSerializer() {
    }

    /** A serializer bound to {@code client}, e.g. in tests and benches. */
    public MeshAvroSerializer(SchemaRegistryClient client, boolean autoRegister) {
        this.client = client;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        MeshAvroSerdeConfig c = new MeshAvroSerdeConfig(configs);
        this.client = c.client();
        this.autoRegister = c.getBoolean(MeshAvroSerdeConfig.AUTO_REGISTER);
        this.isKey = isKey;
    }

    /** Uses {@code loader} to find generated classes (the runtime passes a domain's class loader). */
    public MeshAvroSerializer<T> withClassLoader(ClassLoader loader) {
        this.model = AvroModels.specific(loader);
        writers.clear();
        return this;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        SpecificDatumWriter<T> writer = writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, model));
        return serialize(topic, schema, out -> writer.write(data, out));
    }

    /**
     * Confluent's wire format around what {@code body} encodes: magic byte, the id of {@code schema}
     * under the topic's subject, then the body, which must be a value of {@code schema}.
     */
    public byte[] serialize(String topic, Schema schema, Body body) {
        byte[] header = headers.computeIfAbsent(schema, s -> {
            int id = schemaId(topic, s);
            return new byte[] {WireFormat.MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        });
        try {
            return Encoding.encode(out -> {
                out.writeFixed(header);
                body.write(out);
            });
        } catch (IOException | RuntimeException e) {
            throw new SerdeFailure(SerdeFailure.Reason.NOT_AVRO, "cannot write a " + schema.getFullName() + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = topic + (isKey ? "-key" : "-value");
        try {
            return autoRegister ? client.register(subject, schema) : client.idOf(subject, schema);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new SerdeFailure(SerdeFailure.Reason.SCHEMA_NOT_REGISTERED, "schema " + schema.getFullName()
                        + " is not registered under subject " + subject + " (auto.register.schemas is off: register it at deploy)", e);
            }
            throw new SerdeFailure(SerdeFailure.Reason.REGISTRY_UNAVAILABLE, "cannot get the id of " + schema.getFullName()
                    + " under " + subject + ": " + e.getMessage(), e);
        }
    }
}
