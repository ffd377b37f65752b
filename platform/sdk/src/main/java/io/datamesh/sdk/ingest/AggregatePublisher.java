package io.datamesh.sdk.ingest;

import java.util.Objects;
import java.util.function.BiFunction;

import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.aggregate.BucketKey;
import io.datamesh.bitemporal.aggregate.Publication;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns each published version of an aggregate's bucket into a record of the aggregate's product,
 * as the product topic's bytes: key {@code <group>@<label>}, valid from the bucket's start, recorded
 * at the version's recordedAt, operation UPSERT the first time these coordinates are published and
 * CORRECTION when a late change corrects them. Its source position is its own: kind KAFKA, the
 * aggregate's repartition topic and the bucket's partition of it, and as offset the publication's
 * number in that partition, which grows by one per record. So every record of the product has a
 * position of its own, and a consumer deduplicates them like any ordered source.
 */
public final class AggregatePublisher<A, Q> implements Processor<String, Publication<A>, String, byte[]> {

    private final ProductFormat<Q> format;
    private final BiFunction<BucketKey, A, Q> toPayload;
    private final String productTopic;
    private final int maxRecordBytes;
    private ProcessorContext<String, byte[]> context;
    private ProductWriter<Q> writer;
    private ProductMetrics metrics;

    public AggregatePublisher(ProductFormat<Q> format, BiFunction<BucketKey, A, Q> toPayload, String productTopic, int maxRecordBytes) {
        this.format = Objects.requireNonNull(format);
        this.toPayload = Objects.requireNonNull(toPayload);
        this.productTopic = Objects.requireNonNull(productTopic);
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The product key of a bucket. */
    public static String productKey(BucketKey bucket) {
        return bucket.group() + "@" + bucket.label();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.writer = new ProductWriter<>(format, productTopic, maxRecordBytes);
        this.metrics = ProductMetrics.from(context.appConfigs());
    }

    @Override
    public void process(Record<String, Publication<A>> record) {
        Publication<A> p = record.value();
        Version<A> v = p.version();
        BucketKey bucket = BucketKey.parse(v.entity());
        String key = productKey(bucket);
        Q payload;
        try {
            payload = toPayload.apply(bucket, v.value());
        } catch (RuntimeException e) {
            throw Faults.teamCodeFailed(ReasonClass.AGGREGATION_FAILED, "the payload of bucket " + key + " recorded at " + v.recordedAt(), e);
        }
        SourcePosition position = SourcePosition.kafka(p.stream(), p.partition(), p.sequence());
        ProductRecord<Q> out = new ProductRecord<>(key, v.validFrom(), v.recordedAt(), v.operation(), position,
                ContentHash.of(format, payload), payload);
        byte[] bytes = writer.write(out);
        context.forward(new Record<>(key, bytes, v.recordedAt().toEpochMilli()));
        metrics.published(productTopic, v.recordedAt());
    }
}
