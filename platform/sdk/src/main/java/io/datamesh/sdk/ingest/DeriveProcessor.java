package io.datamesh.sdk.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.Derivation;
import io.datamesh.sdk.Emitter;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each group's history of the source product in a bitemporal store and runs the team's
 * derivation on every new record; its outputs are stamped with the input's recordedAt and source
 * position and hashed. A replayed input (a version already in the history) derives nothing.
 */
public final class DeriveProcessor<P, Q> implements Processor<String, Version<ProductRecord<P>>, String, ProductRecord<Q>> {

    private final String storeName;
    private final Serde<ProductRecord<P>> sourceSerde;
    private final ProductFormat<Q> format;
    private final Derivation<P, Q> derivation;
    private ProcessorContext<String, ProductRecord<Q>> context;
    private BitemporalStore<ProductRecord<P>> history;

    private final String productTopic;
    private io.datamesh.sdk.ProductMetrics metrics;

    private final String sourceTopic;

    /**
     * @param sourceTopic the source product's topic: its registered subject is what the history store writes under
     */
    public DeriveProcessor(String storeName, Serde<ProductRecord<P>> sourceSerde, String sourceTopic, ProductFormat<Q> format,
                           Derivation<P, Q> derivation, String productTopic) {
        this.productTopic = productTopic;
        this.sourceTopic = sourceTopic;
        this.storeName = storeName;
        this.sourceSerde = sourceSerde;
        this.format = format;
        this.derivation = derivation;
    }

    @Override
    public void init(ProcessorContext<String, ProductRecord<Q>> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(storeName);
        this.history = new BitemporalStore<>(store, sourceSerde, sourceTopic);
        this.metrics = io.datamesh.sdk.ProductMetrics.from(context.appConfigs());
    }

    @Override
    public void process(Record<String, Version<ProductRecord<P>>> record) {
        Version<ProductRecord<P>> v = record.value();
        if (v.value() == null) {
            return; // a delete of the source entity: nothing to derive from
        }
        String group = record.key();
        Version<ProductRecord<P>> grouped = new Version<>(group, v.validFrom(), v.recordedAt(), v.operation(), v.value());
        if (!history.put(grouped)) {
            return; // a replay
        }
        List<ProductRecord<P>> past = history.history(group, HistoryOrder.VALID).stream()
                .map(Version::value).filter(java.util.Objects::nonNull).toList();
        CheckedEmitter<Q> out = new CheckedEmitter<>("derivation");
        try {
            derivation.derive(v.value(), past, out);
        } catch (PoisonRecordException e) {
            throw e;
        } catch (Exception e) {
            throw new PoisonRecordException(Stage.MAP, "derivation failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        for (CheckedEmitter.Emitted<Q> e : out.emitted()) {
            ProductRecord<Q> r = new ProductRecord<>(e.key(), e.validFrom(), v.recordedAt(), e.operation(), v.value().source(),
                    ContentHash.of(format, e.payload()), e.payload());
            context.forward(new Record<>(r.key(), r, r.recordedAt().toEpochMilli()));
            metrics.published(productTopic, r.recordedAt());
        }
    }
}
