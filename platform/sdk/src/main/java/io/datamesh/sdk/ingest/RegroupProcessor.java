package io.datamesh.sdk.ingest;

import java.util.function.Function;

import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Re-keys a product's versions by the group a derivation works on (e.g. a click's session). */
public final class RegroupProcessor<P> implements Processor<String, Version<ProductRecord<P>>, String, Version<ProductRecord<P>>> {

    private final Function<ProductRecord<P>, String> regroup;
    private ProcessorContext<String, Version<ProductRecord<P>>> context;

    public RegroupProcessor(Function<ProductRecord<P>, String> regroup) {
        this.regroup = regroup;
    }

    @Override
    public void init(ProcessorContext<String, Version<ProductRecord<P>>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Version<ProductRecord<P>>> record) {
        if (!record.value().operation().hasValue()) {
            return;
        }
        String group;
        try {
            group = regroup.apply(record.value().value());
        } catch (RuntimeException e) {
            throw new PoisonRecordException(Stage.MAP, ReasonClass.GROUPING_FAILED, "cannot find the group of " + record.key() + ": " + e.getMessage(), e);
        }
        if (group == null || group.isEmpty()) {
            throw new PoisonRecordException(Stage.MAP, ReasonClass.GROUPING_FAILED, "record " + record.key() + " has no group");
        }
        context.forward(record.withKey(group));
    }
}
