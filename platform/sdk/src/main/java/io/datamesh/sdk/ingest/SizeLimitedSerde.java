package io.datamesh.sdk.ingest;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A product serde that refuses a value over the size limit when serializing, before the record
 * reaches the producer: the record becomes a dead letter (stage produce) instead of putting an
 * exactly-once producer into an error state.
 */
public final class SizeLimitedSerde<T> implements Serde<T> {

    private final Serde<T> inner;
    private final int maxBytes;

    public SizeLimitedSerde(Serde<T> inner, int maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public Serializer<T> serializer() {
        Serializer<T> s = inner.serializer();
        return (topic, value) -> {
            byte[] bytes = s.serialize(topic, value);
            if (bytes != null && bytes.length > maxBytes) {
                throw new SerializationException("record of " + bytes.length + " bytes for " + topic + " is over the limit of "
                        + maxBytes + " bytes");
            }
            return bytes;
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return inner.deserializer();
    }
}
