package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ReceiptTest {

    private static ConsumerRecord<byte[], byte[]> stored(ProducerRecord<byte[], byte[]> r) {
        return new ConsumerRecord<>(r.topic(), 0, 42, r.key(), r.value());
    }

    @Test
    void aReceiptIsKeyedByItsSourceIdAndReadsBack() {
        Receipt receipt = new Receipt(SourcePosition.bus("kitchen", "m-1 ;é"), "kitchen.raw.pizza-events", 2, 1234,
                Instant.parse("2018-07-08T12:00:00.123Z"));
        ProducerRecord<byte[], byte[]> r = receipt.toRecord("kitchen.receipts");
        assertThat(r.topic()).isEqualTo("kitchen.receipts");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(SourceHeaders.encode(receipt.source()));
        assertThat(Receipt.read(stored(r))).isEqualTo(receipt);
    }

    @Test
    void whatIsNotAReceiptIsRefusedNamingWhy() {
        byte[] key = SourceHeaders.encode(SourcePosition.click("web", "c1")).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Receipt.read(new ConsumerRecord<>("web.receipts", 0, 7, key, null)))
                .hasMessageContaining("web.receipts-0@7 has no value");
        assertThatThrownBy(() -> Receipt.read(new ConsumerRecord<>("web.receipts", 0, 8, key, "{x".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> Receipt.read(new ConsumerRecord<>("web.receipts", 0, 9, key, "{\"raw\":\"a.raw.b\"}".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("needs raw, partition, offset and storedAt");
    }
}
