package io.datamesh.sdk.record;

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

    /** Serde of the bare payload, for views and stores. */
    Serde<P> payloadSerde(String topic);
}
