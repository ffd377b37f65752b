package io.datamesh.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.datamesh.sources.DeadLetterHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters of the bridge in the platform's letter format, the one {@code mesh dlq list|show}
 * reads: the original body as value, the message's AMQP properties as {@code amqp.*} headers, and
 * the {@code mesh.dlq.*} headers that say why and where ({@link DeadLetterHeaders}, the contract it
 * shares with the domains' exception handlers).
 *
 * <p>A bridge letter was never in Kafka: its source topic is the queue it was read from,
 * {@code mesh.<domain>.<raw>}, at partition and offset -1, its stage {@value #STAGE_BRIDGE}. It is
 * not replayed through a raw topic ({@code mesh dlq replay} refuses it): the service republishes
 * the event as the bus conventions want it.
 */
final class BusDeadLetters {

    static final String REASON = DeadLetterHeaders.REASON;
    static final String REASON_CLASS = DeadLetterHeaders.REASON_CLASS;
    static final String STAGE = DeadLetterHeaders.STAGE;
    static final String EXCEPTION = DeadLetterHeaders.EXCEPTION;
    static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    static final String SOURCE_TIMESTAMP = DeadLetterHeaders.SOURCE_TIMESTAMP;
    static final String PROCESSOR = DeadLetterHeaders.PROCESSOR;
    static final String REJECTED_AT = DeadLetterHeaders.REJECTED_AT;

    /** The stage of every bridge letter: rejected by the bridge, before Kafka. */
    static final String STAGE_BRIDGE = "bridge";
    static final String PROCESSOR_BRIDGE = "rabbitmq-bridge";

    /** Prefix of the headers that carry the message's AMQP properties; application headers under {@code amqp.header.}. */
    static final String AMQP_PREFIX = "amqp.";

    /** Why the bridge rejects a message: a fixed set, the metric label {@code reason} and the header {@code mesh.dlq.reason.class}. */
    enum Reason {
        /** No AMQP {@code message_id}: the event has no identity, so a redelivery could not be recognised. */
        NO_MESSAGE_ID("no-message-id"),
        /** The body is not JSON. */
        UNREADABLE("unreadable"),
        /** The body has no usable entity key in its key field. */
        NO_KEY("no-key");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }

    private BusDeadLetters() {
    }

    /**
     * A letter for {@code dlqTopic}.
     *
     * @param sourceHeaders the source headers the record would have had (when the message has an id), copied first
     * @param rejectedAt the wall-clock time of rejection, for operators
     */
    static ProducerRecord<byte[], byte[]> of(String dlqTopic, String queue, byte[] key, byte[] body, Headers sourceHeaders,
                                             Envelope envelope, AMQP.BasicProperties props, Reason reason, String text,
                                             Throwable exception, Instant recordedAt, Instant rejectedAt) {
        RecordHeaders headers = new RecordHeaders();
        sourceHeaders.forEach(h -> headers.add(h.key(), h.value()));
        amqpHeaders(headers, envelope, props);
        put(headers, REASON, text);
        put(headers, REASON_CLASS, reason.tag());
        put(headers, STAGE, STAGE_BRIDGE);
        put(headers, EXCEPTION, exception == null ? "" : exception.getClass().getName());
        put(headers, SOURCE_TOPIC, queue);
        put(headers, SOURCE_PARTITION, "-1");
        put(headers, SOURCE_OFFSET, "-1");
        put(headers, SOURCE_TIMESTAMP, String.valueOf(recordedAt.toEpochMilli()));
        put(headers, PROCESSOR, PROCESSOR_BRIDGE);
        put(headers, REJECTED_AT, rejectedAt.toString());
        return new ProducerRecord<>(dlqTopic, null, recordedAt.toEpochMilli(), key, body, headers);
    }

    /** The delivery and every AMQP property the message has, as {@code amqp.*} text headers. */
    private static void amqpHeaders(Headers h, Envelope envelope, AMQP.BasicProperties p) {
        put(h, AMQP_PREFIX + "exchange", envelope.getExchange());
        put(h, AMQP_PREFIX + "routing-key", envelope.getRoutingKey());
        put(h, AMQP_PREFIX + "redelivered", String.valueOf(envelope.isRedeliver()));
        putIf(h, "message-id", p.getMessageId());
        putIf(h, "timestamp", p.getTimestamp() == null ? null : p.getTimestamp().toInstant().toString());
        putIf(h, "content-type", p.getContentType());
        putIf(h, "content-encoding", p.getContentEncoding());
        putIf(h, "correlation-id", p.getCorrelationId());
        putIf(h, "reply-to", p.getReplyTo());
        putIf(h, "expiration", p.getExpiration());
        putIf(h, "type", p.getType());
        putIf(h, "user-id", p.getUserId());
        putIf(h, "app-id", p.getAppId());
        putIf(h, "delivery-mode", p.getDeliveryMode());
        putIf(h, "priority", p.getPriority());
        if (p.getHeaders() != null) {
            for (Map.Entry<String, Object> e : p.getHeaders().entrySet()) {
                putIf(h, "header." + e.getKey(), e.getValue());
            }
        }
    }

    private static void putIf(Headers h, String name, Object value) {
        if (value != null) {
            put(h, AMQP_PREFIX + name, value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString());
        }
    }

    private static void put(Headers h, String name, String value) {
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
