package io.datamesh.sdk.ingest;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.bitemporal.Version;
import io.datamesh.sdk.record.ProductRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Puts every version of a product into its bitemporal view store. */
public final class ViewWriter<P> implements Processor<String, Version<ProductRecord<P>>, Void, Void> {

    private final String storeName;
    private final Serde<ProductRecord<P>> serde;
    private final String topic;
    private BitemporalStore<ProductRecord<P>> view;

    public ViewWriter(String storeName, Serde<ProductRecord<P>> serde, String topic) {
        this.storeName = storeName;
        this.serde = serde;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(storeName);
        view = new BitemporalStore<>(store, serde, topic);
    }

    @Override
    public void process(Record<String, Version<ProductRecord<P>>> record) {
        view.write(record.value());
    }
}
