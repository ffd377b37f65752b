package io.datamesh.sdk.ingest;

import io.datamesh.bitemporal.BitemporalStore;
import io.datamesh.sdk.ViewStores;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductHead;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.record.TieBreak;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts every version of a product into its bitemporal view store, as the bytes it was read with:
 * only the head is read ({@link ProductFormat#head}), the payload is hashed but not decoded. Versions
 * with equal times (two changes of a row in one second) are kept apart by their source positions
 * ({@link TieBreak}): both are in the history, and as-of answers the later. The same
 * checks as {@link VerifyProcessor}: a hash mismatch is a dead letter with the reason
 * {@code content hash mismatch}, bytes that are not a product record one at the stage
 * {@code deserialize}.
 */
public final class ViewWriter<P> implements Processor<byte[], byte[], Void, Void> {

    private final String storeName;
    private final ProductFormat<P> format;
    private final String topic;
    private BitemporalStore<ProductRecord<P>> view;
    private ViewStores stores;
    private KeyValueStore<Bytes, byte[]> store;
    private int partition;

    public ViewWriter(String storeName, ProductFormat<P> format, String topic) {
        this.storeName = storeName;
        this.format = format;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        view = new BitemporalStore<>(store, format.serde(topic), topic);
        // Kafka Streams starts a task's processors once its stores are restored: from now on queries may read this partition here.
        partition = context.taskId().partition();
        stores = ViewStores.from(context.appConfigs());
        stores.opened(storeName, partition, store);
    }

    @Override
    public void close() {
        if (stores != null) {
            stores.closed(storeName, partition, store);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] bytes = record.value();
        if (bytes == null) {
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.TOMBSTONE, "product record without a value (tombstone)");
        }
        ProductHead head;
        try {
            head = format.head(topic, bytes);
        } catch (RuntimeException e) {
            if (Faults.notTheRecords(e)) {
                throw e; // e.g. the registry is unreachable: the record is not to blame, try it again
            }
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.UNREADABLE, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        if (!head.hashMatches()) {
            throw new PoisonRecordException(Stage.VERIFY, ReasonClass.HASH_MISMATCH, VerifyProcessor.HASH_MISMATCH);
        }
        view.write(head.key(), head.validFrom(), head.recordedAt(), TieBreak.of(head.operation(), head.source()), head.operation(), bytes);
    }
}
