package io.datamesh.serde;

import java.util.Map;

import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/** Serializer and deserializer of one Avro type, sharing one registry client. */
public final class MeshAvroSerde<T extends GenericContainer> implements Serde<T> {

    private final MeshAvroSerializer<T> serializer;
    private final MeshAvroDeserializer<T> deserializer;

    public MeshAvroSerde() {
        this.serializer = new MeshAvroSerializer<>();
        this.deserializer = new MeshAvroDeserializer<>();
    }

    public MeshAvroSerde(SchemaRegistryClient client, boolean autoRegister) {
        this.serializer = new MeshAvroSerializer<>(client, autoRegister);
        this.deserializer = new MeshAvroDeserializer<>(client, true);
    }

    /** Finds generated classes through {@code loader}. */
    public MeshAvroSerde<T> withClassLoader(ClassLoader loader) {
        serializer.withClassLoader(loader);
        deserializer.withClassLoader(loader);
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public MeshAvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
