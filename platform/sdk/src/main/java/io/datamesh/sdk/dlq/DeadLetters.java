package io.datamesh.sdk.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.datamesh.sources.DeadLetterHeaders;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter record format of {@code <domain>.dlq}: the original key and value bytes, the
 * original headers, and these headers (UTF-8 strings) saying why and where it was rejected. The
 * header names are {@link DeadLetterHeaders}', shared with the bus bridge.
 */
public final class DeadLetters {

    public static final String REASON = DeadLetterHeaders.REASON;
    /** The reason's class ({@link ReasonClass#tag()}): one of a fixed set, for filters and metrics. */
    public static final String REASON_CLASS = DeadLetterHeaders.REASON_CLASS;
    public static final String STAGE = DeadLetterHeaders.STAGE;
    public static final String EXCEPTION = DeadLetterHeaders.EXCEPTION;
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    /** The rejected record's Kafka timestamp, epoch ms: its recordedAt when it had no {@code mesh.recorded.at} header. */
    public static final String SOURCE_TIMESTAMP = DeadLetterHeaders.SOURCE_TIMESTAMP;
    public static final String PROCESSOR = DeadLetterHeaders.PROCESSOR;
    public static final String REJECTED_AT = DeadLetterHeaders.REJECTED_AT;

    private DeadLetters() {
    }

    /**
     * A dead letter for {@code dlqTopic}.
     *
     * @param originalHeaders copied first, so that a replay re-injects the record as it came
     * @param sourceTimestamp the rejected record's Kafka timestamp
     * @param rejectedAt the wall-clock time of rejection, for operators (never used in processing)
     */
    public static ProducerRecord<byte[], byte[]> of(String dlqTopic, byte[] key, byte[] value, Headers originalHeaders,
                                                    Stage stage, ReasonClass reasonClass, String reason, Throwable exception,
                                                    String sourceTopic, int sourcePartition, long sourceOffset,
                                                    long sourceTimestamp, String processor, Instant rejectedAt) {
        RecordHeaders headers = new RecordHeaders();
        if (originalHeaders != null) {
            for (Header h : originalHeaders) {
                if (!h.key().startsWith("mesh.dlq.") && !h.key().startsWith("__streams.errors.")) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        put(headers, REASON, reason);
        put(headers, REASON_CLASS, reasonClass.tag());
        put(headers, STAGE, stage.tag());
        put(headers, EXCEPTION, exception == null ? "" : exception.getClass().getName());
        put(headers, SOURCE_TOPIC, sourceTopic == null ? "" : sourceTopic);
        put(headers, SOURCE_PARTITION, String.valueOf(sourcePartition));
        put(headers, SOURCE_OFFSET, String.valueOf(sourceOffset));
        put(headers, SOURCE_TIMESTAMP, String.valueOf(sourceTimestamp));
        put(headers, PROCESSOR, processor == null ? "" : processor);
        put(headers, REJECTED_AT, rejectedAt.toString());
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    /**
     * Why a letter of {@code domain} cannot be replayed, or null if it can. A letter goes back only
     * through the domain's own raw inputs, where the ingest's replay guard lets its source position
     * through once: a letter read from a product (by a view, an aggregate, a derivation, or a consumer
     * domain) would be written into a product, which is immutable and may be another team's.
     */
    public static String replayRefusal(String domain, Headers letter) {
        String source = header(letter, SOURCE_TOPIC);
        if (source == null || source.isEmpty()) {
            return "it does not say which topic it came from";
        }
        TopicName name;
        try {
            name = TopicNames.parse(source);
        } catch (IllegalArgumentException e) {
            name = null;
        }
        if (name instanceof TopicName.Raw raw && raw.domain().equals(domain)) {
            return null;
        }
        if ("bridge".equals(header(letter, STAGE))) {
            return "the bus bridge refused it before it reached Kafka (" + header(letter, REASON_CLASS) + "): the service that"
                    + " published it publishes it again, fixed";
        }
        return "it was rejected at stage " + header(letter, STAGE) + " reading " + source + ", not a raw input of " + domain
                + ": a replay goes back only through the domain's own raw topics and never writes into a product"
                + " (the record stays in " + source + "; after a fix, the domain reads it again when it reprocesses that input)";
    }

    /**
     * The letter at {@code offset} of {@code dlqTopic} as its raw record again, for its raw topic, with the
     * identity it had: the source headers it came with, or, for a record that had none, the Kafka
     * coordinates and timestamp that stood in for them (its position and recordedAt at ingestion), and
     * {@link SourceHeaders#REPLAY_OF}. Check {@link #replayRefusal} first.
     */
    public static ProducerRecord<byte[], byte[]> replay(String dlqTopic, long offset, Headers letter, byte[] key, byte[] value) {
        String source = header(letter, SOURCE_TOPIC);
        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(source, null, key, value);
        for (Header h : letter) {
            if (!h.key().startsWith("mesh.dlq.")) {
                again.headers().add(h);
            }
        }
        if (again.headers().lastHeader(SourceHeaders.SOURCE) == null) {
            SourcePosition original = SourcePosition.kafka(source, Integer.parseInt(header(letter, SOURCE_PARTITION)),
                    Long.parseLong(header(letter, SOURCE_OFFSET)));
            put(again.headers(), SourceHeaders.SOURCE, SourceHeaders.encode(original));
        }
        String timestamp = header(letter, SOURCE_TIMESTAMP);
        if (again.headers().lastHeader(SourceHeaders.RECORDED_AT) == null && timestamp != null) {
            put(again.headers(), SourceHeaders.RECORDED_AT, timestamp);
        }
        put(again.headers(), SourceHeaders.REPLAY_OF, dlqTopic + "@" + offset);
        return again;
    }

    /** The value of a {@code mesh.dlq.*} header, or null. */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
