package io.datamesh.sdk.ingest;

import java.util.function.BiFunction;

import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.aggregate.BucketKey;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.record.SourcePosition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns each new version of an aggregate's bucket into a record of the aggregate's product: key
 * {@code <group>@<label>}, valid from the bucket's start, recorded at the version's recordedAt. Its
 * source position is the delta's place in the aggregate's repartition topic, which grows per
 * partition, so consumers can deduplicate it like any ordered source.
 */
public final class AggregatePublisher<A, Q> implements Processor<String, Version<A>, String, ProductRecord<Q>> {

    private final ProductFormat<Q> format;
    private final BiFunction<BucketKey, A, Q> toPayload;
    private ProcessorContext<String, ProductRecord<Q>> context;
    private final String productTopic;
    private io.datamesh.sdk.ProductMetrics metrics;

    public AggregatePublisher(ProductFormat<Q> format, BiFunction<BucketKey, A, Q> toPayload, String productTopic) {
        this.productTopic = productTopic;
        this.format = format;
        this.toPayload = toPayload;
    }

    /** The product key of a bucket. */
    public static String productKey(BucketKey bucket) {
        return bucket.group() + "@" + bucket.label();
    }

    @Override
    public void init(ProcessorContext<String, ProductRecord<Q>> context) {
        this.context = context;
        this.metrics = io.datamesh.sdk.ProductMetrics.from(context.appConfigs());
    }

    @Override
    public void process(Record<String, Version<A>> record) {
        Version<A> v = record.value();
        BucketKey bucket = BucketKey.parse(v.entity());
        Q payload = toPayload.apply(bucket, v.value());
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        SourcePosition position = SourcePosition.kafka(meta.topic(), meta.partition(), meta.offset());
        String key = productKey(bucket);
        ProductRecord<Q> out = new ProductRecord<>(key, v.validFrom(), v.recordedAt(), Operation.UPSERT, position,
                ContentHash.of(format, payload), payload);
        context.forward(new Record<>(key, out, v.recordedAt().toEpochMilli()));
        metrics.published(productTopic, v.recordedAt());
    }
}
