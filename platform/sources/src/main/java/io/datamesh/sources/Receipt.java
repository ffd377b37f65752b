package io.datamesh.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A source's receipt for one record: that it told the sender "stored" (acknowledged the message to
 * the bus, answered "accepted" to the client) for the source id {@code source}, whose raw record
 * Kafka holds at {@code rawTopic}-{@code partition}@{@code offset}. A source writes the receipt
 * after Kafka acknowledged the raw record and before it acknowledges to the sender, so every id the
 * sender was told is stored has a receipt, and every receipt names a raw record Kafka has.
 *
 * <p>Receipts live in {@code <domain>.receipts}, keyed by the encoded source position (compacted:
 * a redelivered message's second receipt replaces the first), valued by a small JSON object.
 */
public record Receipt(SourcePosition source, String rawTopic, int partition, long offset, Instant storedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Receipt {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(storedAt, "storedAt");
    }

    /** The receipt as a record of {@code receiptsTopic}. */
    public ProducerRecord<byte[], byte[]> toRecord(String receiptsTopic) {
        ObjectNode value = JSON.createObjectNode()
                .put("raw", rawTopic)
                .put("partition", partition)
                .put("offset", offset)
                .put("storedAt", storedAt.toString());
        return new ProducerRecord<>(receiptsTopic, null, storedAt.toEpochMilli(), SourceHeaders.encode(source).getBytes(StandardCharsets.UTF_8),
                value.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a record of a receipts topic.
     *
     * @throws IllegalArgumentException naming what is wrong when it is not a receipt
     */
    public static Receipt read(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.value() == null) {
            throw new IllegalArgumentException("a receipt needs a key (the source id) and a value; " + r.topic() + "-" + r.partition() + "@"
                    + r.offset() + " has " + (r.key() == null ? "no key" : "no value"));
        }
        SourcePosition source = SourceHeaders.decode(new String(r.key(), StandardCharsets.UTF_8));
        JsonNode v;
        try {
            v = JSON.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalArgumentException("the receipt at " + r.topic() + "-" + r.partition() + "@" + r.offset() + " is not JSON: "
                    + e.getMessage(), e);
        }
        if (!v.path("raw").isTextual() || !v.path("partition").canConvertToInt() || !v.path("offset").canConvertToLong()
                || !v.path("storedAt").isTextual()) {
            throw new IllegalArgumentException("the receipt at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " needs raw, partition, offset and storedAt; it is " + v);
        }
        return new Receipt(source, v.path("raw").asText(), v.path("partition").asInt(), v.path("offset").asLong(),
                Instant.parse(v.path("storedAt").asText()));
    }
}
