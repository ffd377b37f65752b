package io.datamesh.apps.sales;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import io.datamesh.apps.orders.OrdersDomain;
import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.aggregate.AggregateView;
import io.datamesh.bitemporal.aggregate.BucketValue;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.sales.PizzasSold;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.serde.InMemorySchemaRegistryClient;
import io.datamesh.sources.ChangeEvent;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN's story end to end: orders placed on 2018-07-08 go through the orders domain into the
 * sales domain; a refund recorded on 2018-07-10 changes "pizzas sold on 2018-07-08" from then on,
 * and the answer "as known on 2018-07-09" stays what it was, forever.
 */
class July2018StoryTest {

    static final Instant JUL_08_LUNCH = Instant.parse("2018-07-08T10:30:00Z");
    static final Instant JUL_08_DINNER = Instant.parse("2018-07-08T19:00:00Z");
    static final Instant JUL_09 = Instant.parse("2018-07-09T12:00:00Z");
    static final Instant JUL_10 = Instant.parse("2018-07-10T09:15:00Z");
    static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private DomainTestDriver orders;
    private DomainTestDriver sales;
    private long binlog = 100;

    @BeforeEach
    void start() {
        orders = DomainTestDriver.of(new OrdersDomain(), registry);
        sales = DomainTestDriver.of(new SalesDomain(), registry);
    }

    @AfterEach
    void stop() {
        orders.close();
        sales.close();
    }

    @Test
    void aLateRefundChangesTheDayFromWhenItWasRecordedAndTheEarlierAnswerStays() throws Exception {
        line("c", "o1", 1, "42", 2, false, JUL_08_LUNCH, JUL_08_LUNCH, JUL_08_LUNCH);
        line("c", "o1", 2, "42", 1, false, JUL_08_LUNCH, JUL_08_LUNCH, JUL_08_LUNCH);
        line("c", "o2", 1, "42", 3, false, JUL_08_DINNER, JUL_08_DINNER, JUL_08_DINNER);
        line("c", "o3", 1, "7", 4, false, JUL_08_DINNER, JUL_08_DINNER, JUL_08_DINNER);
        flowOrderLinesIntoSales();

        assertThat(pizzas("42", JUL_09)).as("as known on 2018-07-09").isEqualTo(6);

        line("u", "o1", 2, "42", 1, true, JUL_08_LUNCH, JUL_10, JUL_10); // the refund, recorded on the 10th
        flowOrderLinesIntoSales();

        assertThat(pizzas("42", NOW)).as("as known now").isEqualTo(5);
        assertThat(pizzas("42", JUL_09)).as("as known on 2018-07-09, still").isEqualTo(6);
        assertThat(pizzas("7", NOW)).isEqualTo(4);

        List<ProductRecord<PizzasSold>> published = sales.readProduct("sales.product.pizzas-sold.v1");
        ProductRecord<PizzasSold> last = published.stream().filter(r -> r.key().equals("42@2018-07-08")).reduce((a, b) -> b).orElseThrow();
        assertThat(last.payload()).isEqualTo(PizzasSold.newBuilder().setPizzeriaId("42").setDay(LocalDate.parse("2018-07-08"))
                .setPizzas(5).setRevenue(new BigDecimal("42.50")).build());
        assertThat(last.recordedAt()).isEqualTo(JUL_10);
        assertThat(last.validFrom()).isEqualTo(Instant.parse("2018-07-07T22:00:00Z")); // midnight in Rome
        // One record per (day, recorded time): the two lunch lines of o1 share their commit time, so only their
        // sum (3) was ever true at it; no record says 2 pizzas at lunch.
        assertThat(published).extracting(r -> r.key() + "@" + r.recordedAt() + "=" + r.payload().getPizzas() + " " + r.operation())
                .containsExactly("42@2018-07-08@" + JUL_08_LUNCH + "=3 UPSERT", "42@2018-07-08@" + JUL_08_DINNER + "=6 UPSERT",
                        "42@2018-07-08@" + JUL_10 + "=5 UPSERT", "7@2018-07-08@" + JUL_08_DINNER + "=4 UPSERT");
        assertThat(sales.readDeadLetters()).isEmpty();
    }

    @Test
    void aReplayedOrderLineCountsOnce() throws Exception {
        line("c", "o1", 1, "42", 2, false, JUL_08_LUNCH, JUL_08_LUNCH, JUL_08_LUNCH);
        List<ProductRecord<OrderLine>> lines = orders.readProduct("orders.product.order-lines.v1");
        sales.pipeProduct(SalesDomain.ORDER_LINES, lines);
        sales.pipeProduct(SalesDomain.ORDER_LINES, lines); // the same records again

        assertThat(pizzas("42", NOW)).isEqualTo(2);
    }

    private long pizzas(String pizzeria, Instant knownAt) {
        AggregateView<SalesTotals> view = new AggregateView<>(new BitemporalView<>(sales.store(SalesDomain.PIZZAS_SOLD_BY_DAY),
                SalesTotals.SERDE, SalesDomain.PIZZAS_SOLD_BY_DAY), TimeBucket.days(ZoneId.of("Europe/Rome")));
        BucketValue<SalesTotals> day = view.bucket(pizzeria, JUL_08_LUNCH, knownAt);
        return day == null ? 0 : day.value().pizzas();
    }

    private void flowOrderLinesIntoSales() {
        sales.pipeProduct(SalesDomain.ORDER_LINES, orders.readProduct("orders.product.order-lines.v1"));
    }

    private void line(String op, String order, int lineNo, String pizzeria, int quantity, boolean refunded,
                      Instant placedAt, Instant updatedAt, Instant recordedAt) throws Exception {
        String row = "{\"order_id\":\"" + order + "\",\"line_no\":" + lineNo + ",\"pizzeria_id\":\"" + pizzeria + "\",\"product_id\":\"margherita\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"8.50\",\"placed_at\":\"" + placedAt + "\",\"refunded\":" + refunded
                + ",\"updated_at\":\"" + updatedAt + "\"}";
        ChangeEvent event = ChangeEvent.parse("{\"op\":\"" + op + "\",\"before\":null,\"after\":" + row + "}");
        orders.pipeRaw("orders.raw.order-lines", order, event, recordedAt, SourcePosition.cdc("orders-db", "mariadb-bin.000001", binlog++, 0, null));
    }
}
