package io.datamesh.apps.orders;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import io.datamesh.schemas.orders.Order;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.orders.OrderLineRecord;
import io.datamesh.schemas.orders.OrderRecord;
import io.datamesh.schemas.orders.OrderStatus;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sources.ChangeEvent;

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
        Domain.Raw<ChangeEvent> orders = d.raw("orders", ChangeEvent.serde());
        Domain.Raw<ChangeEvent> lines = d.raw("order-lines", ChangeEvent.serde());

        d.publish("orders", 1, d.avro(OrderRecord.class, Order.class), orders, (in, out) -> {
            ChangeEvent event = in.value();
            ChangeEvent.Row row = event.row();
            String id = row.text("id");
            if (event.isDelete()) {
                out.delete(id, in.recordedAt());
                return;
            }
            out.upsert(id, validFrom(event, row), Order.newBuilder()
                    .setOrderId(id)
                    .setPizzeriaId(row.text("pizzeria_id"))
                    .setCustomerId(row.optionalText("customer_id"))
                    .setStatus(status(row.text("status")))
                    .setPlacedAt(row.time("placed_at"))
                    .setTotal(total(row))
                    .build());
        }).freshness(Duration.ofMinutes(5)).view(ORDERS_BY_ID);

        d.publish("order-lines", 1, d.avro(OrderLineRecord.class, OrderLine.class), lines, (in, out) -> {
            ChangeEvent event = in.value();
            ChangeEvent.Row row = event.row();
            String orderId = row.text("order_id");
            int lineNo = row.integer("line_no");
            String key = orderId + "#" + lineNo;
            if (event.isDelete()) {
                out.delete(key, in.recordedAt());
                return;
            }
            out.upsert(key, validFrom(event, row), OrderLine.newBuilder()
                    .setOrderId(orderId)
                    .setLineNo(lineNo)
                    .setPizzeriaId(row.text("pizzeria_id"))
                    .setProductId(row.text("product_id"))
                    .setQuantity(row.integer("quantity"))
                    .setUnitPrice(row.decimal("unit_price", 2))
                    .setPlacedAt(row.time("placed_at"))
                    .setRefunded(row.flag("refunded", false))
                    .build());
        }).freshness(Duration.ofMinutes(5)).view(ORDER_LINES_BY_ID);
    }

    /**
     * The order's total. The orders service renamed the column {@code total} to {@code total_amount} (and
     * widened it) in a migration while the capture streamed: rows from before the migration have the old
     * name, rows after it the new one. The product keeps its field {@code total}: consumers see nothing of
     * the refactoring.
     */
    static BigDecimal total(ChangeEvent.Row row) {
        return row.decimal(row.has("total_amount") ? "total_amount" : "total", 2);
    }

    /** When the change took effect in the business: creation at placement, later changes at their update time. */
    private static Instant validFrom(ChangeEvent event, ChangeEvent.Row row) {
        return event.op().equals("u") && row.has("updated_at") ? row.time("updated_at") : row.time("placed_at");
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
