package io.datamesh.sdk.ingest;

import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Every hop after ingestion reads a product record through here: its content hash must match its
 * payload (else the DLQ, reason {@code content hash mismatch}), and it leaves as a bitemporal
 * {@link Version} keyed by entity.
 */
public final class VerifyProcessor<P> implements Processor<String, ProductRecord<P>, String, Version<ProductRecord<P>>> {

    /** The DLQ reason of a record whose payload changed after ingestion. */
    public static final String HASH_MISMATCH = "content hash mismatch";

    private final ProductFormat<P> format;
    private ProcessorContext<String, Version<ProductRecord<P>>> context;

    public VerifyProcessor(ProductFormat<P> format) {
        this.format = format;
    }

    @Override
    public void init(ProcessorContext<String, Version<ProductRecord<P>>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ProductRecord<P>> record) {
        ProductRecord<P> r = record.value();
        if (r == null) {
            throw new PoisonRecordException(Stage.DESERIALIZE, "product record without a value (tombstone)");
        }
        if (!ContentHash.matches(format, r)) {
            throw new PoisonRecordException(Stage.VERIFY, HASH_MISMATCH);
        }
        context.forward(record.withKey(r.key()).withValue(new Version<>(r.key(), r.validFrom(), r.recordedAt(), r.operation(),
                r.operation().hasValue() ? r : null)));
    }
}
