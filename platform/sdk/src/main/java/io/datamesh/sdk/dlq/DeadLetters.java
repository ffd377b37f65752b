package io.datamesh.sdk.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter record format of {@code <domain>.dlq}: the original key and value bytes, the
 * original headers, and these headers (UTF-8 strings) saying why and where it was rejected.
 */
public final class DeadLetters {

    public static final String REASON = "mesh.dlq.reason";
    public static final String STAGE = "mesh.dlq.stage";
    public static final String EXCEPTION = "mesh.dlq.exception";
    public static final String SOURCE_TOPIC = "mesh.dlq.source.topic";
    public static final String SOURCE_PARTITION = "mesh.dlq.source.partition";
    public static final String SOURCE_OFFSET = "mesh.dlq.source.offset";
    public static final String PROCESSOR = "mesh.dlq.processor";
    public static final String REJECTED_AT = "mesh.dlq.rejected.at";

    private DeadLetters() {
    }

    /**
     * A dead letter for {@code dlqTopic}.
     *
     * @param originalHeaders copied first, so that a replay re-injects the record as it came
     * @param rejectedAt the wall-clock time of rejection, for operators (never used in processing)
     */
    public static ProducerRecord<byte[], byte[]> of(String dlqTopic, byte[] key, byte[] value, Headers originalHeaders,
                                                    Stage stage, String reason, Throwable exception,
                                                    String sourceTopic, int sourcePartition, long sourceOffset,
                                                    String processor, Instant rejectedAt) {
        RecordHeaders headers = new RecordHeaders();
        if (originalHeaders != null) {
            for (Header h : originalHeaders) {
                if (!h.key().startsWith("mesh.dlq.") && !h.key().startsWith("__streams.errors.")) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        put(headers, REASON, reason);
        put(headers, STAGE, stage.tag());
        put(headers, EXCEPTION, exception == null ? "" : exception.getClass().getName());
        put(headers, SOURCE_TOPIC, sourceTopic == null ? "" : sourceTopic);
        put(headers, SOURCE_PARTITION, String.valueOf(sourcePartition));
        put(headers, SOURCE_OFFSET, String.valueOf(sourceOffset));
        put(headers, PROCESSOR, processor == null ? "" : processor);
        put(headers, REJECTED_AT, rejectedAt.toString());
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
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
