package io.datamesh.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format: the writer schema comes from the registry by id, and the record is
 * read with the reader schema of the generated class of that name (so a consumer on a newer schema
 * reads data written with older ones), or as a generic record. Bad bytes fail with a
 * {@link SerdeFailure} saying which: bad magic byte, unknown schema id, corrupt Avro.
 */
public final class MeshAvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient client;
    private boolean specific = true;
    private SpecificData model = AvroModels.specific(getClass().getClassLoader());
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public MeshAvroDeserializer() {
    }

    public MeshAvroDeserializer(SchemaRegistryClient client, boolean specific) {
        this.client = client;
        this.specific = specific;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        MeshAvroSerdeConfig c = new MeshAvroSerdeConfig(configs);
        this.client = c.client();
        this.specific = c.getBoolean(MeshAvroSerdeConfig.SPECIFIC);
    }

    /** Uses {@code loader} to find generated classes. */
    public MeshAvroDeserializer<T> withClassLoader(ClassLoader loader) {
        this.model = AvroModels.specific(loader);
        readers.clear();
        return this;
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int id = WireFormat.schemaId(topic, bytes);
        DatumReader<T> reader = readers.computeIfAbsent(id, i -> reader(topic, i));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER, bytes.length - WireFormat.HEADER, null);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerdeFailure(SerdeFailure.Reason.CORRUPT_AVRO, "record of " + topic + " has bytes left after its Avro data (schema id "
                        + id + ")", null);
            }
            return value;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException | ClassCastException e) {
            throw new SerdeFailure(SerdeFailure.Reason.CORRUPT_AVRO, "record of " + topic + " is not valid Avro for schema id " + id
                    + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    private DatumReader<T> reader(String topic, int id) {
        Schema writer;
        try {
            writer = client.byId(id);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new SerdeFailure(SerdeFailure.Reason.UNKNOWN_SCHEMA_ID, "record of " + topic + " names unknown schema id " + id, e);
            }
            throw new SerdeFailure(SerdeFailure.Reason.REGISTRY_UNAVAILABLE, "cannot fetch schema id " + id + " for " + topic + ": " + e.getMessage(), e);
        }
        if (specific) {
            Class<?> cls = model.getClass(writer);
            if (cls != null) {
                Schema reader = model.getSchema(cls);
                return new SpecificDatumReader<>(writer, reader, model);
            }
        }
        return new GenericDatumReader<>(writer, writer, model);
    }
}
