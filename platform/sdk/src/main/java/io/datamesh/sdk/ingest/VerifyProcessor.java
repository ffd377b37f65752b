package io.datamesh.sdk.ingest;

import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Every hop after ingestion reads a product record through here, from its bytes: its content hash
 * must match its payload as written (else the DLQ, reason {@code content hash mismatch}), and it
 * leaves as a bitemporal {@link Version} keyed by entity. Bytes that are not a product record go to
 * the DLQ at the stage {@code deserialize}, with the serde's reason.
 */
public final class VerifyProcessor<P> implements Processor<byte[], byte[], String, Version<ProductRecord<P>>> {

    /** The DLQ reason of a record whose payload changed after ingestion. */
    public static final String HASH_MISMATCH = "content hash mismatch";

    private final ProductFormat<P> format;
    private final String topic;
    private Deserializer<ProductRecord<P>> deserializer;
    private ProcessorContext<String, Version<ProductRecord<P>>> context;

    public VerifyProcessor(ProductFormat<P> format, String topic) {
        this.format = format;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, Version<ProductRecord<P>>> context) {
        this.context = context;
        this.deserializer = format.serde(topic).deserializer();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] bytes = record.value();
        if (bytes == null) {
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.TOMBSTONE, "product record without a value (tombstone)");
        }
        ProductRecord<P> r;
        try {
            r = deserializer.deserialize(topic, bytes);
        } catch (RuntimeException e) {
            if (Faults.notTheRecords(e)) {
                throw e; // e.g. the registry is unreachable: the record is not to blame, try it again
            }
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.UNREADABLE, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        if (!ContentHash.matchesAsWritten(format, topic, bytes, r)) {
            throw new PoisonRecordException(Stage.VERIFY, ReasonClass.HASH_MISMATCH, HASH_MISMATCH);
        }
        // A delete keeps its record too: its source position tells it apart from versions with equal times.
        context.forward(record.withKey(r.key()).withValue(new Version<>(r.key(), r.validFrom(), r.recordedAt(), r.operation(), r)));
    }
}
