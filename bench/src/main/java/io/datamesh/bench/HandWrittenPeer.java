package io.datamesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.serde.MeshAvroSerde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * B1.P and B2.P: the order-lines mapping of {@link TopologyBench.LinesDomain} as a team writes it
 * without the platform, over the same input. Jackson reads each Debezium change event into a tree,
 * the same {@link OrderLine} is built from its {@code after} image and written in Confluent's wire
 * format by our Avro serializer (standing in for Confluent's {@code KafkaAvroSerializer}, which is
 * not on Maven Central), keyed {@code <order id>#<line no>}. No envelope, no content hash, no replay
 * guard, no dead letters: what the platform adds is what B1 has and this has not.
 */
final class HandWrittenPeer {

    private HandWrittenPeer() {
    }

    /** The peer's topology: {@code raw} change events to {@code product} order lines. */
    static Topology build(String raw, String product) {
        ObjectMapper json = new ObjectMapper();
        Deserializer<JsonNode> tree = (topic, bytes) -> {
            try {
                return bytes == null ? null : json.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a change event of " + topic, e);
            }
        };
        Serde<JsonNode> changeEvents = Serdes.serdeFrom((topic, node) -> {
            throw new UnsupportedOperationException("the peer only reads change events");
        }, tree);
        // A registry client as a team's app has one, registering the schema on first use as Confluent's serializer does.
        Serde<OrderLine> orderLines = new MeshAvroSerde<OrderLine>(new InMemorySchemaRegistryClient(), true);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(raw, Consumed.with(Serdes.String(), changeEvents).withName("peer-read-change-events"))
                .filter((key, event) -> event != null && event.path("after").isObject(), Named.as("peer-skip-deletes"))
                .map((key, event) -> {
                    OrderLine line = orderLine(event.get("after"));
                    return KeyValue.pair(line.getOrderId() + "#" + line.getLineNo(), line);
                }, Named.as("peer-map-order-line"))
                .to(product, Produced.with(Serdes.String(), orderLines).withName("peer-write-order-lines"));
        return builder.build();
    }

    /** The row after the change as an order line: what {@code LinesDomain}'s mapping builds from the same row. */
    static OrderLine orderLine(JsonNode after) {
        return OrderLine.newBuilder()
                .setOrderId(after.get("order_id").asText())
                .setLineNo(after.get("line_no").asInt())
                .setPizzeriaId(after.get("pizzeria_id").asText())
                .setProductId(after.get("product_id").asText())
                .setQuantity(after.get("quantity").asInt())
                .setUnitPrice(new BigDecimal(after.get("unit_price").asText()).setScale(2, RoundingMode.UNNECESSARY))
                .setPlacedAt(Instant.parse(after.get("placed_at").asText()))
                .setRefunded(after.path("refunded").asBoolean(false))
                .build();
    }
}
