package io.datamesh.sdk.record;

import java.nio.ByteBuffer;

import org.apache.kafka.common.serialization.Serde;

/**
 * How a product's records are written and hashed: the serde of the product topic, and the
 * canonical bytes of a payload that its content hash is computed over. The platform's Avro
 * implementation writes Confluent's wire format; tests may use simpler ones.
 */
public interface ProductFormat<P> {

    /** Serde of whole product records on {@code topic}. */
    Serde<ProductRecord<P>> serde(String topic);

    /** The canonical encoding of a payload: deterministic bytes for the same payload content. */
    byte[] canonicalBytes(P payload);

    /**
     * The canonical bytes of {@code record}'s payload as written in {@code bytes}, the record's value on
     * {@code topic} that {@code record} was read from: what a later hop hashes to check the content
     * hash. By default the payload is encoded again, which gives the same bytes only when the reader
     * and the writer share the payload's schema; the Avro format finds them in {@code bytes}.
     */
    default ByteBuffer canonicalBytesAsWritten(String topic, byte[] bytes, ProductRecord<P> record) {
        return ByteBuffer.wrap(record.payload() == null ? new byte[0] : canonicalBytes(record.payload()));
    }

    /**
     * The head of the product record in {@code bytes}, read from {@code topic}. By default the whole
     * record is decoded; the Avro format reads the head's fields where they are and leaves the
     * payload encoded.
     *
     * @throws RuntimeException with the reason when the bytes are not a product record
     */
    default ProductHead head(String topic, byte[] bytes) {
        ProductRecord<P> r = serde(topic).deserializer().deserialize(topic, bytes);
        return new ProductHead(r.key(), r.validFrom().toEpochMilli(), r.recordedAt().toEpochMilli(), r.operation(), r.source(),
                ContentHash.matchesAsWritten(this, topic, bytes, r));
    }

    /** Serde of the bare payload, for views and stores. */
    Serde<P> payloadSerde(String topic);
}
