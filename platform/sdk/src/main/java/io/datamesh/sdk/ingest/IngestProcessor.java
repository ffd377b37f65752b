package io.datamesh.sdk.ingest;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.datamesh.sdk.Mapping;
import io.datamesh.sdk.ProductMetrics;
import io.datamesh.sdk.RawRecord;
import io.datamesh.sdk.dlq.Faults;
import io.datamesh.sdk.dlq.PoisonRecordException;
import io.datamesh.sdk.dlq.ReasonClass;
import io.datamesh.sdk.dlq.Stage;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw record in, product records out, as the bytes of the product topic. In this order:
 * <ol>
 *   <li>a raw record without a value (Debezium's tombstone after a delete event) is skipped and counted;</li>
 *   <li>the source headers give recordedAt and the source position (else the Kafka timestamp and
 *       coordinates);</li>
 *   <li>the {@link ReplayGuard} decides whether the position may be published: a replay of one
 *       already published produces nothing, and is counted; the first position of a stream it has not
 *       seen (a new source, a capture's new epoch after a reset, a snapshot run) is logged and counted;</li>
 *   <li>the record is checked (a recordedAt further ahead of the wall clock than
 *       {@code maxRecordedAhead} cannot be a commit time), read with the raw serde, mapped, and each
 *       output wrapped in the envelope with its content hash, serialized and held to the size limit;</li>
 *   <li>only when all of that succeeded is anything forwarded. A failure at any step rejects the
 *       whole raw record to the DLQ, and the guard keeps its position open, so that a replay of the
 *       letter after the fix goes through, once.</li>
 * </ol>
 * Reading and writing bytes here rather than in the source and sink nodes puts every way a raw
 * record can fail behind the guard's decision, so each position has one fate: published, or one
 * dead letter that a replay can publish once.
 */
public final class IngestProcessor<R, P> implements Processor<byte[], byte[], String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);

    private final Mapping<R, P> mapping;
    private final Deserializer<R> rawDeserializer;
    private final ProductFormat<P> format;
    private final String positionsStore;
    private final Duration replayWindow;
    private final Duration maxRecordedAhead;
    private final long maxRecordedAheadMillis;
    private final String productTopic;
    private final int maxRecordBytes;
    private ProcessorContext<String, byte[]> context;
    private ProductWriter<P> writer;
    private ProductMetrics metrics;
    private ProductMetrics.Publications publications;
    private LongAdder replaysDropped;
    private LongAdder streamsStarted;
    private String consumedTopic;
    private LongAdder consumed;
    private LongAdder tombstones;
    private ReplayGuard guard;
    /** This processor's own digest and position reader: it runs on one stream thread, so no thread-local lookups per record. */
    private final MessageDigest sha256 = ContentHash.newDigest();
    private final SourceHeaders.PositionReader positions = new SourceHeaders.PositionReader();
    private Instant newestRecordedAt = Instant.EPOCH;

    /**
     * @param rawDeserializer reads the raw record's value
     * @param replayWindow how long ids of unordered sources are remembered (in recordedAt)
     * @param maxRecordedAhead how far a recordedAt may lie ahead of the wall clock
     * @param maxRecordBytes the largest product record (its serialized value) published; a larger one is a dead letter
     */
    public IngestProcessor(Mapping<R, P> mapping, Deserializer<R> rawDeserializer, ProductFormat<P> format, String positionsStore,
                           Duration replayWindow, Duration maxRecordedAhead, String productTopic, int maxRecordBytes) {
        this.mapping = Objects.requireNonNull(mapping);
        this.rawDeserializer = Objects.requireNonNull(rawDeserializer);
        this.format = Objects.requireNonNull(format);
        this.positionsStore = Objects.requireNonNull(positionsStore);
        this.replayWindow = Objects.requireNonNull(replayWindow);
        this.maxRecordedAhead = Objects.requireNonNull(maxRecordedAhead);
        this.maxRecordedAheadMillis = maxRecordedAhead.toMillis();
        this.productTopic = Objects.requireNonNull(productTopic);
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> store = context.getStateStore(positionsStore);
        this.guard = new ReplayGuard(store, replayWindow);
        this.writer = new ProductWriter<>(format, productTopic, maxRecordBytes);
        this.metrics = ProductMetrics.from(context.appConfigs());
        this.publications = metrics.publications(productTopic);
        this.replaysDropped = metrics.replaysDropped(productTopic);
        this.streamsStarted = metrics.streamsStarted(productTopic);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, t -> guard.expire(newestRecordedAt));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        if (!meta.topic().equals(consumedTopic)) {
            consumedTopic = meta.topic();
            consumed = metrics.consumption(consumedTopic);
            tombstones = metrics.tombstones(consumedTopic);
        }
        consumed.increment();
        if (record.value() == null) {
            tombstones.increment(); // Debezium follows a delete event with a tombstone for log compaction: nothing to publish
            return;
        }
        Instant recordedAt;
        SourcePosition position;
        byte[] encodedPosition;
        boolean replay;
        try {
            recordedAt = SourceHeaders.recordedAt(record.headers(), Instant.ofEpochMilli(record.timestamp()));
            Header source = record.headers().lastHeader(SourceHeaders.SOURCE);
            encodedPosition = source == null ? null : source.value();
            position = source == null ? SourcePosition.kafka(meta.topic(), meta.partition(), meta.offset())
                    : positions.decode(encodedPosition == null ? new byte[0] : encodedPosition);
            replay = SourceHeaders.replayOf(record.headers()) != null;
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.BAD_SOURCE_HEADERS, e.getMessage(), e);
        }
        // Milliseconds, as the clock and every recordedAt (a header's or the record's timestamp) are: no instants made per record.
        long now = context.currentSystemTimeMs();
        // An unordered id's window starts at its recordedAt, but never later than now: a wrong clock cannot pin it.
        ReplayGuard.Admission admission = guard.admit(position, encodedPosition, replay,
                recordedAt.toEpochMilli() > now ? Instant.ofEpochMilli(now) : recordedAt);
        if (!admission.admitted()) {
            replaysDropped.increment();
            return;
        }
        if (admission == ReplayGuard.Admission.NEW_STREAM) {
            streamsStarted.increment();
            log.info("New source stream product={} stream={} first={}", productTopic, ReplayGuard.stream(position), position);
        }
        byte[][] out;
        String[] keys;
        try {
            checkRecordedAt(recordedAt, now, position);
            R value = read(meta.topic(), record);
            CheckedEmitter<P> emitter = new CheckedEmitter<>("mapping");
            try {
                // The key stays bytes until the mapping asks for it: most key their products by columns of the value.
                mapping.map(RawRecord.withKeyBytes(record.key(), value, recordedAt, position, record.headers()), emitter);
            } catch (Exception e) {
                throw Faults.teamCodeFailed(ReasonClass.MAPPING_FAILED, "mapping", e);
            }
            List<CheckedEmitter.Emitted<P>> emitted = emitter.emitted();
            out = new byte[emitted.size()][];
            keys = new String[emitted.size()];
            for (int i = 0; i < out.length; i++) {
                CheckedEmitter.Emitted<P> e = emitted.get(i);
                ProductRecord<P> product = new ProductRecord<>(e.key(), e.validFrom(), recordedAt, e.operation(), position,
                        ContentHash.of(format, e.payload(), sha256), e.payload());
                out[i] = writer.write(product);
                keys[i] = e.key();
            }
        } catch (PoisonRecordException e) {
            guard.rejected(position);
            throw e;
        }
        for (int i = 0; i < out.length; i++) {
            context.forward(new Record<>(keys[i], out[i], recordedAt.toEpochMilli()));
            publications.published(recordedAt);
        }
        guard.published(position, replay);
        if (recordedAt.isAfter(newestRecordedAt)) {
            newestRecordedAt = recordedAt;
        }
    }

    private void checkRecordedAt(Instant recordedAt, long now, SourcePosition position) {
        if (recordedAt.toEpochMilli() > now + maxRecordedAheadMillis) {
            throw new PoisonRecordException(Stage.VERIFY, ReasonClass.RECORDED_AT_IN_FUTURE, "recordedAt " + recordedAt
                    + " of " + position + " is more than " + maxRecordedAhead + " ahead of the platform's clock ("
                    + Instant.ofEpochMilli(now) + "): the source's clock is wrong; replay the letter once it is fixed");
        }
    }

    private R read(String topic, Record<byte[], byte[]> record) {
        try {
            return rawDeserializer.deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            if (Faults.notTheRecords(e)) {
                throw e;
            }
            throw new PoisonRecordException(Stage.DESERIALIZE, ReasonClass.UNREADABLE,
                    e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }
}
