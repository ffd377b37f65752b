package io.datamesh.sdk.ingest;

import java.util.Objects;

import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes product records as the bytes of their topic, held to the size limit, inside the processor
 * that makes them: a record that cannot be written or is too large rejects its input before anything
 * of it is published (a dead letter at the stage {@code produce}), instead of failing at the sink
 * after the input was counted as published.
 */
final class ProductWriter<P> {

    private final String topic;
    private final Serializer<ProductRecord<P>> serializer;
    private final int maxBytes;

    ProductWriter(ProductFormat<P> format, String topic, int maxBytes) {
        this.topic = Objects.requireNonNull(topic);
        this.serializer = format.serde(topic).serializer();
        this.maxBytes = maxBytes;
    }

    byte[] write(ProductRecord<P> record) {
        byte[] bytes;
        try {
            bytes = serializer.serialize(topic, record);
        } catch (RuntimeException e) {
            if (Faults.notTheRecords(e)) {
                throw e;
            }
            throw new PoisonRecordException(Stage.PRODUCE, ReasonClass.NOT_WRITABLE,
                    "cannot write " + record.key() + " to " + topic + ": " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new PoisonRecordException(Stage.PRODUCE, ReasonClass.TOO_LARGE,
                    "record of " + bytes.length + " bytes for " + topic + " is over the limit of " + maxBytes + " bytes");
        }
        return bytes;
    }
}
