package io.datamesh.sdk.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.Emitter;
import io.datamesh.sdk.Mapping;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.RawRecord;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.record.SourceHeaders;
import io.datamesh.sdk.record.SourcePosition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Raw record in, product records out: reads the source's recordedAt and position, runs the team's
 * mapping, drops replays of a position already published, and wraps each output in the envelope
 * with its content hash. A mapping that throws or emits an invalid record rejects the raw record
 * (it goes to the DLQ); nothing of it is published and its position is not remembered, so a fixed
 * replay from the DLQ goes through.
 */
public final class IngestProcessor<R, P> implements Processor<String, R, String, ProductRecord<P>> {

    private final Mapping<R, P> mapping;
    private final ProductFormat<P> format;
    private final String positionsStore;
    private final Duration replayWindow;
    private final String productTopic;
    private ProcessorContext<String, ProductRecord<P>> context;
    private ProductMetrics metrics;
    private ProductMetrics.Publications publications;
    private String consumedTopic;
    private LongAdder consumed;
    private ReplayGuard guard;
    private Instant newestRecordedAt = Instant.EPOCH;

    public IngestProcessor(Mapping<R, P> mapping, ProductFormat<P> format, String positionsStore, Duration replayWindow,
                           String productTopic) {
        this.productTopic = Objects.requireNonNull(productTopic);
        this.mapping = Objects.requireNonNull(mapping);
        this.format = Objects.requireNonNull(format);
        this.positionsStore = Objects.requireNonNull(positionsStore);
        this.replayWindow = Objects.requireNonNull(replayWindow);
    }

    @Override
    public void init(ProcessorContext<String, ProductRecord<P>> context) {
        this.context = context;
        KeyValueStore<String, byte[]> store = context.getStateStore(positionsStore);
        this.guard = new ReplayGuard(store, replayWindow);
        this.metrics = ProductMetrics.from(context.appConfigs());
        this.publications = metrics.publications(productTopic);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, t -> guard.expire(newestRecordedAt));
    }

    @Override
    public void process(Record<String, R> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        if (!meta.topic().equals(consumedTopic)) {
            consumedTopic = meta.topic();
            consumed = metrics.consumption(consumedTopic);
        }
        consumed.increment();
        Instant recordedAt;
        SourcePosition position;
        SourcePosition identity;
        try {
            recordedAt = SourceHeaders.recordedAt(record.headers(), Instant.ofEpochMilli(record.timestamp()));
            position = SourceHeaders.position(record.headers(), null);
            if (position == null) {
                position = SourcePosition.kafka(meta.topic(), meta.partition(), meta.offset());
            }
            // A re-injected dead letter keeps its original position in the product, but is deduplicated by
            // its DLQ offset: its original position may lie below the source's high-water mark by now.
            SourcePosition replay = SourceHeaders.replayOf(record.headers());
            identity = replay == null ? position : replay;
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException(Stage.DESERIALIZE, e.getMessage(), e);
        }
        if (record.value() == null) {
            throw new PoisonRecordException(Stage.DESERIALIZE, "raw record without a value (tombstone) at " + position);
        }
        CheckedEmitter<P> out = new CheckedEmitter<>("mapping");
        try {
            mapping.map(new RawRecord<>(record.key(), record.value(), recordedAt, position, record.headers()), out);
        } catch (PoisonRecordException e) {
            throw e;
        } catch (Exception e) {
            throw new PoisonRecordException(Stage.MAP, "mapping failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (guard.seenBefore(identity, recordedAt)) {
            return;
        }
        if (recordedAt.isAfter(newestRecordedAt)) {
            newestRecordedAt = recordedAt;
        }
        for (CheckedEmitter.Emitted<P> e : out.emitted()) {
            ProductRecord<P> product = new ProductRecord<>(e.key(), e.validFrom(), recordedAt, e.operation(), position,
                    ContentHash.of(format, e.payload()), e.payload());
            context.forward(new Record<>(e.key(), product, recordedAt.toEpochMilli()));
            publications.published(recordedAt);
        }
    }
}
