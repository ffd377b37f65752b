package io.datamesh.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.datamesh.bridge.BridgeConfig.Feed;
import io.datamesh.bridge.BusDeadLetters.Reason;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One bus message of a feed as what goes to Kafka: its raw record, or its dead letter. A pure
 * function of the message and the time it was received; no I/O.
 *
 * <ul>
 *   <li>the raw record: topic {@code <domain>.raw.<raw>}, key = the key field's value (UTF-8), value =
 *       the body byte for byte, headers {@code mesh.recorded.at} = the message's {@code timestamp}
 *       property, else the time it was received, and {@code mesh.source} = BUS position (exchange,
 *       {@code message_id}); Kafka timestamp = recordedAt;</li>
 *   <li>a dead letter to {@code <domain>.dlq} when the message has no {@code message_id}, its body is
 *       not JSON, or the key field is missing, null, empty, or not a text or a number.</li>
 * </ul>
 */
final class MessageTranslator {

    private static final JsonFactory JSON = new JsonFactory();

    private final Feed feed;
    private final String rawTopic;
    private final String dlqTopic;

    MessageTranslator(Feed feed) {
        this.feed = feed;
        this.rawTopic = feed.topic().value();
        this.dlqTopic = io.datamesh.topics.TopicNames.deadLetters(feed.domain()).value();
    }

    /** What a message becomes. */
    sealed interface Translation permits Raw, Dead {
        ProducerRecord<byte[], byte[]> record();
    }

    /** The message's raw record. */
    record Raw(ProducerRecord<byte[], byte[]> record) implements Translation {
    }

    /** The message's dead letter, and why. */
    record Dead(ProducerRecord<byte[], byte[]> record, Reason reason, String text) implements Translation {
    }

    /**
     * @param receivedAt when the bridge received the message: its recordedAt when it has no {@code timestamp}
     * @param now the wall clock, for a letter's {@code mesh.dlq.rejected.at}
     */
    Translation translate(Envelope envelope, AMQP.BasicProperties props, byte[] body, Instant receivedAt, Instant now) {
        Instant recordedAt = props.getTimestamp() == null ? receivedAt : props.getTimestamp().toInstant();
        String messageId = props.getMessageId();
        RecordHeaders source = new RecordHeaders();
        if (messageId == null || messageId.isEmpty()) {
            return dead(null, body, source, envelope, props, Reason.NO_MESSAGE_ID, "message on exchange " + envelope.getExchange()
                    + " with routing key " + envelope.getRoutingKey() + " has no message_id: the bus conventions want the event's"
                    + " identity in the AMQP message_id property, so that a redelivery is recognised", null, recordedAt, now);
        }
        // The configured exchange, not the delivery's: the identity must not change with the path a message took.
        SourceHeaders.write(source, recordedAt, SourcePosition.bus(feed.exchange(), messageId));
        String key;
        try {
            key = key(body);
        } catch (JsonProcessingException e) {
            return dead(null, body, source, envelope, props, Reason.UNREADABLE, "body of message " + messageId + " is not JSON: "
                    + e.getOriginalMessage() + " at " + location(e), e, recordedAt, now);
        } catch (MissingKey e) {
            return dead(null, body, source, envelope, props, Reason.NO_KEY, "message " + messageId + ": " + e.getMessage(), null,
                    recordedAt, now);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading a body in memory failed", e); // bytes in memory: no I/O can fail
        }
        return new Raw(new ProducerRecord<>(rawTopic, null, recordedAt.toEpochMilli(), key.getBytes(StandardCharsets.UTF_8), body, source));
    }

    private Dead dead(byte[] key, byte[] body, RecordHeaders source, Envelope envelope, AMQP.BasicProperties props, Reason reason,
                      String text, Throwable e, Instant recordedAt, Instant now) {
        return new Dead(BusDeadLetters.of(dlqTopic, feed.queue(), key, body, source, envelope, props, reason, text, e, recordedAt, now),
                reason, text);
    }

    /**
     * Reads the whole body as JSON in one streaming pass (so that bytes that are not JSON are
     * refused whatever the key) and returns the key field's value.
     */
    private String key(byte[] body) throws IOException {
        String field = feed.keyField();
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonParseException(p, "the body is empty");
            }
            String key = null;
            String problem = "the body has no key field " + field;
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                problem = "the body is a JSON " + kind(first) + ", not an object with the key field " + field;
            } else {
                boolean seen = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (!seen && name.equals(field)) {
                        seen = true;
                        if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                            key = p.getText();
                            problem = key.isEmpty() ? "the key field " + field + " is empty" : null;
                        } else {
                            problem = "the key field " + field + " is " + kind(value) + ", not a text or a number";
                        }
                    }
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "more content after the JSON " + kind(first));
            }
            if (problem != null) {
                throw new MissingKey(problem);
            }
            return key;
        }
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "text";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "an unknown position"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The body is JSON but has no usable key. */
    private static final class MissingKey extends IOException {
        MissingKey(String message) {
            super(message);
        }
    }
}
