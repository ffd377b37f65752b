package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.fixtures.OrderLine;
import io.datamesh.sdk.fixtures.OrderLineRecord;
import io.datamesh.sdk.record.AvroProductFormat;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductHead;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

class AvroProductFormatTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroProductFormat<OrderLineRecord, OrderLine> format =
            AvroProductFormat.autoRegistering(OrderLineRecord.class, OrderLine.class, registry);

    @Test
    void aProductRecordRoundTripsThroughItsEnvelopeClassInConfluentsWireFormat() {
        OrderLine line = OrderLine.newBuilder().setOrderId("o1").setLineNo(1).setPizzeriaId("42").setProductId("margherita")
                .setQuantity(2).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(Instant.parse("2018-07-08T10:00:00Z")).build();
        ProductRecord<OrderLine> record = new ProductRecord<>("o1#1", Instant.parse("2018-07-08T10:00:00Z"),
                Instant.parse("2018-07-08T10:00:01Z"), Operation.UPSERT, SourcePosition.cdc("db", "bin.000001", 4, 1, "0-1-7"),
                ContentHash.of(format, line), line);

        byte[] bytes = format.serde("orders.product.order-lines.v1").serializer().serialize("orders.product.order-lines.v1", record);

        assertThat(bytes[0]).isZero();
        assertThat(registry.latest("orders.product.order-lines.v1-value").schema()).isEqualTo(OrderLineRecord.getClassSchema());
        assertThat(format.serde("x").deserializer().deserialize("orders.product.order-lines.v1", bytes)).isEqualTo(record);
        assertThat(ContentHash.matches(format, record)).isTrue();
    }

    @Test
    void aDeleteCarriesNoPayload() {
        ProductRecord<OrderLine> delete = new ProductRecord<>("o1#1", Instant.EPOCH, Instant.EPOCH, Operation.DELETE,
                SourcePosition.bus("q", "m1"), ContentHash.of(format, null), null);
        var serde = format.serde("orders.product.order-lines.v1");
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("orders.product.order-lines.v1", delete)))
                .isEqualTo(delete);
    }

    @Test
    void aRecordReadIsWrittenBackToItsTopicWithTheBytesItWasReadFrom() {
        OrderLine line = OrderLine.newBuilder().setOrderId("o1").setLineNo(1).setPizzeriaId("42").setProductId("margherita")
                .setQuantity(2).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(Instant.parse("2018-07-08T10:00:00Z")).build();
        ProductRecord<OrderLine> record = new ProductRecord<>("o1#1", Instant.parse("2018-07-08T10:00:00Z"),
                Instant.parse("2018-07-08T10:00:01Z"), Operation.UPSERT, SourcePosition.kafka("raw", 0, 7), ContentHash.of(format, line), line);
        var serde = format.serde("orders.product.order-lines.v1");
        byte[] bytes = serde.serializer().serialize("orders.product.order-lines.v1", record);

        ProductRecord<OrderLine> read = serde.deserializer().deserialize("orders.product.order-lines.v1", bytes);

        assertThat(serde.serializer().serialize("orders.product.order-lines.v1", read)).isSameAs(bytes);
        byte[] elsewhere = serde.serializer().serialize("other.product.order-lines.v1", read);
        assertThat(elsewhere).isNotSameAs(bytes);
        assertThat(serde.deserializer().deserialize("other.product.order-lines.v1", elsewhere)).isEqualTo(record);
    }

    @Test
    void theHeadReadInPlaceAgreesWithTheDecodedRecordForUpsertsDeletesAndForgedHashes() {
        String topic = "orders.product.order-lines.v1";
        OrderLine line = OrderLine.newBuilder().setOrderId("o1").setLineNo(1).setPizzeriaId("42").setProductId("margherita")
                .setQuantity(2).setUnitPrice(new BigDecimal("8.50")).setPlacedAt(Instant.parse("2018-07-08T10:00:00Z")).build();
        byte[] forged = ContentHash.of(format, line).clone();
        forged[31] ^= 1;
        var serde = format.serde(topic);
        for (ProductRecord<OrderLine> record : java.util.List.of(
                new ProductRecord<>("o1#1", Instant.parse("2018-07-08T10:00:00Z"), Instant.parse("2018-07-08T10:00:01Z"),
                        Operation.UPSERT, SourcePosition.kafka("raw", 0, 7), ContentHash.of(format, line), line),
                new ProductRecord<>("o1#1", Instant.parse("2018-07-08T10:00:00Z"), Instant.parse("2018-07-09T00:00:00Z"),
                        Operation.CORRECTION, SourcePosition.kafka("raw", 0, 8), forged, line),
                new ProductRecord<OrderLine>("o1#1", Instant.parse("2018-07-10T00:00:00Z"), Instant.parse("2018-07-10T00:00:00Z"),
                        Operation.DELETE, SourcePosition.bus("q", "m1"), ContentHash.of(format, null), null),
                new ProductRecord<>("o1#1", Instant.parse("2018-07-08T10:00:00Z"), Instant.parse("2018-07-08T10:00:01Z"),
                        Operation.UPSERT, SourcePosition.cdc("orders-db", "mariadb-bin.000003", 4242, 2, "0-1-77"),
                        ContentHash.of(format, line), line))) {
            byte[] bytes = serde.serializer().serialize(topic, record);

            ProductHead head = format.head(topic, bytes);

            assertThat(head).isEqualTo(new ProductHead(record.key(), record.validFrom().toEpochMilli(), record.recordedAt().toEpochMilli(),
                    record.operation(), record.source(), record.contentHash() != forged));
        }
    }
}
