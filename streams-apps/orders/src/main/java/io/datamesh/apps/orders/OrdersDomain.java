package io.datamesh.apps.orders;

import java.time.Duration;
import java.time.ZoneId;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.schemas.orders.Order;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.orders.OrderLineRecord;
import io.datamesh.schemas.orders.OrderRecord;
import io.datamesh.schemas.orders.OrderStatus;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.JsonSerde;

/**
 * The orders domain: the orders database's change events (Debezium, tables {@code orders} and
 * {@code order_lines}) become the public products {@code orders.product.orders.v1} and
 * {@code orders.product.order-lines.v1}, with a view of orders by id. The database's columns are
 * the team's private business; the payload schemas are the contract.
 */
public final class OrdersDomain implements DomainDefinition {

    public static final String NAME = "orders";
    public static final String ORDERS_BY_ID = "orders-by-id";
    public static final String ORDER_LINES_BY_ID = "order-lines-by-id";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void define(Domain d) {
        d.owner("team-orders@pizza.example").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Raw<JsonNode> orders = d.raw("orders", JsonSerde.tree());
        Domain.Raw<JsonNode> lines = d.raw("order-lines", JsonSerde.tree());

        d.publish("orders", 1, d.avro(OrderRecord.class, Order.class), orders, (in, out) -> {
            JsonNode row = ChangeEvents.row(in.value());
            String id = ChangeEvents.text(row, "id");
            if (ChangeEvents.op(in.value()).equals("d")) {
                out.delete(id, in.recordedAt());
                return;
            }
            out.upsert(id, ChangeEvents.validFrom(in.value(), row, in.recordedAt()), Order.newBuilder()
                    .setOrderId(id)
                    .setPizzeriaId(ChangeEvents.text(row, "pizzeria_id"))
                    .setCustomerId(ChangeEvents.optionalText(row, "customer_id"))
                    .setStatus(status(ChangeEvents.text(row, "status")))
                    .setPlacedAt(ChangeEvents.time(row, "placed_at"))
                    .setTotal(ChangeEvents.money(row, "total"))
                    .build());
        }).freshness(Duration.ofMinutes(5)).view(ORDERS_BY_ID);

        d.publish("order-lines", 1, d.avro(OrderLineRecord.class, OrderLine.class), lines, (in, out) -> {
            JsonNode row = ChangeEvents.row(in.value());
            String orderId = ChangeEvents.text(row, "order_id");
            int lineNo = ChangeEvents.integer(row, "line_no");
            String key = orderId + "#" + lineNo;
            if (ChangeEvents.op(in.value()).equals("d")) {
                out.delete(key, in.recordedAt());
                return;
            }
            out.upsert(key, ChangeEvents.validFrom(in.value(), row, in.recordedAt()), OrderLine.newBuilder()
                    .setOrderId(orderId)
                    .setLineNo(lineNo)
                    .setPizzeriaId(ChangeEvents.text(row, "pizzeria_id"))
                    .setProductId(ChangeEvents.text(row, "product_id"))
                    .setQuantity(ChangeEvents.integer(row, "quantity"))
                    .setUnitPrice(ChangeEvents.money(row, "unit_price"))
                    .setPlacedAt(ChangeEvents.time(row, "placed_at"))
                    .setRefunded(row.path("refunded").asBoolean(false))
                    .build());
        }).freshness(Duration.ofMinutes(5)).view(ORDER_LINES_BY_ID);
    }

    private static OrderStatus status(String s) {
        try {
            return OrderStatus.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column status must be one of " + java.util.Arrays.toString(OrderStatus.values())
                    + ", was '" + s + "'");
        }
    }
}
