package io.datamesh.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
    private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();

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
        return this;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        int id = ids.computeIfAbsent(schema, s -> schemaId(topic, s));
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(WireFormat.MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema, model).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerdeFailure(SerdeFailure.Reason.NOT_AVRO, "cannot write a " + schema.getFullName() + " to " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
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
