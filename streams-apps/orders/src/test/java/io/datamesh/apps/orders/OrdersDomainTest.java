package io.datamesh.apps.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.Version;
import io.datamesh.schemas.orders.Order;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.orders.OrderStatus;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.ChangeEvent;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The orders domain as a specification: change events in, product records and view answers out. */
class OrdersDomainTest {

    static final Instant JUL_08 = Instant.parse("2018-07-08T10:00:00Z");
    static final Instant JUL_09 = Instant.parse("2018-07-09T12:00:00Z");
    static final Instant JUL_10 = Instant.parse("2018-07-10T12:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    private DomainTestDriver driver;
    private long binlog = 4;

    @BeforeEach
    void start() {
        driver = DomainTestDriver.of(new OrdersDomain());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static ChangeEvent event(String op, String row) {
        String before = op.equals("d") ? row : "null";
        String after = op.equals("d") ? "null" : row;
        return ChangeEvent.parse("{\"op\":\"" + op + "\",\"before\":" + before + ",\"after\":" + after + "}");
    }

    static String orderRow(String id, String status, Instant placedAt, Instant updatedAt) {
        return "{\"id\":\"" + id + "\",\"pizzeria_id\":\"42\",\"customer_id\":\"c7\",\"status\":\"" + status + "\",\"placed_at\":\""
                + placedAt + "\",\"total\":\"17.00\",\"updated_at\":\"" + updatedAt + "\"}";
    }

    static String lineRow(String orderId, int lineNo, int quantity, boolean refunded, Instant placedAt, Instant updatedAt) {
        return "{\"order_id\":\"" + orderId + "\",\"line_no\":" + lineNo + ",\"pizzeria_id\":\"42\",\"product_id\":\"margherita\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":" + placedAt.toEpochMilli() + ",\"refunded\":" + refunded
                + ",\"updated_at\":\"" + updatedAt + "\"}";
    }

    private void order(String op, String row, Instant recordedAt) {
        driver.pipeRaw("orders.raw.orders", "k", event(op, row), recordedAt, SourcePosition.cdc("orders-db", "mariadb-bin.000001", binlog++, 0, null));
    }

    @Test
    void aPlacedOrderIsPublishedWithItsEnvelopeAndAnsweredByTheView() {
        order("c", orderRow("o1", "PLACED", JUL_08, JUL_08), JUL_08.plusSeconds(1));

        List<ProductRecord<Order>> out = driver.readProduct("orders.product.orders.v1");
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("o1");
            assertThat(r.validFrom()).isEqualTo(JUL_08);
            assertThat(r.recordedAt()).isEqualTo(JUL_08.plusSeconds(1));
            assertThat(r.operation()).isEqualTo(Operation.UPSERT);
            assertThat(r.source()).isEqualTo(SourcePosition.cdc("orders-db", "mariadb-bin.000001", 4, 0, null));
            assertThat(r.payload()).isEqualTo(Order.newBuilder().setOrderId("o1").setPizzeriaId("42").setCustomerId("c7")
                    .setStatus(OrderStatus.PLACED).setPlacedAt(JUL_08).setTotal(new BigDecimal("17.00")).build());
        });
        assertThat(driver.<Order>view(OrdersDomain.ORDERS_BY_ID).asOf("o1", NOW, NOW)).get()
                .extracting(v -> v.value().payload().getStatus()).isEqualTo(OrderStatus.PLACED);
        assertThat(driver.readDeadLetters()).isEmpty();
    }

    @Test
    void theServiceRenamingAndAddingColumnsLeavesTheProductAsItWas() {
        order("c", orderRow("o1", "PLACED", JUL_08, JUL_08), JUL_08);
        // After the migration: total renamed total_amount, a column added, customer_id widened.
        String migrated = orderRow("o2", "PLACED", JUL_09, JUL_09).replace("\"total\":\"17.00\"", "\"total_amount\":\"23.50\",\"channel\":\"app\"");
        order("c", migrated, JUL_09);
        order("u", migrated.replace("PLACED", "PAID").replace("\"updated_at\":\"" + JUL_09, "\"updated_at\":\"" + JUL_10), JUL_10);

        List<ProductRecord<Order>> out = driver.readProduct("orders.product.orders.v1");
        assertThat(out).extracting(r -> r.payload().getTotal()).containsExactly(new BigDecimal("17.00"), new BigDecimal("23.50"),
                new BigDecimal("23.50"));
        assertThat(out.get(1).payload()).isEqualTo(Order.newBuilder().setOrderId("o2").setPizzeriaId("42").setCustomerId("c7")
                .setStatus(OrderStatus.PLACED).setPlacedAt(JUL_09).setTotal(new BigDecimal("23.50")).build());
        assertThat(driver.readDeadLetters()).isEmpty();
    }

    @Test
    void changesAreNewVersionsAndADeleteEndsValidity() {
        order("c", orderRow("o1", "PLACED", JUL_08, JUL_08), JUL_08);
        order("u", orderRow("o1", "REFUNDED", JUL_08, JUL_10), JUL_10);
        order("d", orderRow("o1", "REFUNDED", JUL_08, JUL_10), NOW);

        var view = driver.<Order>view(OrdersDomain.ORDERS_BY_ID);
        assertThat(view.history("o1", HistoryOrder.VALID)).extracting(Version::operation)
                .containsExactly(Operation.UPSERT, Operation.UPSERT, Operation.DELETE);
        assertThat(view.asOf("o1", JUL_09, NOW)).get().extracting(v -> v.value().payload().getStatus()).isEqualTo(OrderStatus.PLACED);
        assertThat(view.asOf("o1", JUL_10, JUL_09)).as("the refund was not known on the 9th").get()
                .extracting(v -> v.value().payload().getStatus()).isEqualTo(OrderStatus.PLACED);
        assertThat(view.asOf("o1", NOW, NOW)).isEmpty();
    }

    @Test
    void outOfOrderValidTimesAreAnsweredByValidTime() {
        order("u", orderRow("o1", "PAID", JUL_08, JUL_09), JUL_09);
        order("u", orderRow("o1", "PLACED", JUL_08, JUL_08), JUL_10); // an older state learned later

        var view = driver.<Order>view(OrdersDomain.ORDERS_BY_ID);
        assertThat(view.asOf("o1", JUL_08, NOW)).get().extracting(v -> v.value().payload().getStatus()).isEqualTo(OrderStatus.PLACED);
        assertThat(view.asOf("o1", JUL_09, NOW)).get().extracting(v -> v.value().payload().getStatus()).isEqualTo(OrderStatus.PAID);
        assertThat(view.asOf("o1", JUL_08, JUL_09)).as("not yet known on the 9th").isEmpty();
    }

    @Test
    void aReplayedBinlogPositionPublishesNothingNew() {
        SourcePosition position = SourcePosition.cdc("orders-db", "mariadb-bin.000001", 100, 0, null);
        driver.pipeRaw("orders.raw.orders", "o1", event("c", orderRow("o1", "PLACED", JUL_08, JUL_08)), JUL_08, position);
        driver.pipeRaw("orders.raw.orders", "o1", event("c", orderRow("o1", "PLACED", JUL_08, JUL_08)), JUL_08, position);

        assertThat(driver.readProduct("orders.product.orders.v1")).hasSize(1);
    }

    @Test
    void orderLinesAreKeyedByOrderAndLineAndKeepThePlacementTime() {
        driver.pipeRaw("orders.raw.order-lines", "o1", event("c", lineRow("o1", 2, 3, false, JUL_08, JUL_08)), JUL_08,
                SourcePosition.cdc("orders-db", "mariadb-bin.000001", 7, 1, null));

        List<ProductRecord<OrderLine>> lines = driver.readProduct("orders.product.order-lines.v1");
        assertThat(lines).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("o1#2");
            assertThat(r.payload().getPlacedAt()).isEqualTo(JUL_08);
            assertThat(r.payload().getUnitPrice()).isEqualTo(new BigDecimal("8.50"));
        });
    }

    @Test
    void poisonGoesToTheDlqWithItsReasonAndNothingElseIsPublished() {
        driver.pipeBytes("orders.raw.orders", "x", "{not json".getBytes(StandardCharsets.UTF_8), JUL_08);
        order("c", orderRow("o2", "TELEPORTED", JUL_08, JUL_08), JUL_08);
        order("c", "{\"id\":\"o3\",\"pizzeria_id\":\"42\",\"status\":\"PLACED\",\"placed_at\":\"" + JUL_08 + "\",\"total\":\"1.005\"}", JUL_08);
        order("x", orderRow("o4", "PLACED", JUL_08, JUL_08), JUL_08);

        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.STAGE))
                .containsExactly("deserialize", "map", "map", "map");
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
                DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON),
                "mapping failed: column status must be one of [PLACED, PAID, DELIVERED, CANCELLED, REFUNDED], was 'TELEPORTED'",
                "mapping failed: column total must be an amount with at most 2 decimals, was '1.005'",
                "mapping failed: change event op must be c, u, r or d, was 'x'");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).startsWith("record of orders.raw.orders is not JSON: ");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(driver.readProduct("orders.product.orders.v1")).isEmpty();
    }
}
