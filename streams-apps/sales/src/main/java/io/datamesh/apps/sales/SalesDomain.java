package io.datamesh.apps.sales;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;

import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.schemas.orders.OrderLine;
import io.datamesh.schemas.orders.OrderLineRecord;
import io.datamesh.schemas.sales.PizzasSold;
import io.datamesh.schemas.sales.PizzasSoldRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;

/**
 * The sales domain, a consumer domain: it reads the orders domain's public order lines and
 * publishes pizzas sold and revenue per pizzeria per local day (Europe/Rome) as a bitemporal
 * aggregate, {@code sales.product.pizzas-sold.v1}. A late refund changes a day's figures from the
 * time it was recorded on; what was known before stays as it was.
 */
public final class SalesDomain implements DomainDefinition {

    public static final String NAME = "sales";
    public static final String PIZZAS_SOLD_BY_DAY = "pizzas-sold-by-day";
    public static final String ORDER_LINES = "orders.product.order-lines.v1";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void define(Domain d) {
        d.owner("team-sales@pizza.example").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Consumed<OrderLine> lines = d.consume(ORDER_LINES, d.avro(OrderLineRecord.class, OrderLine.class));
        d.aggregate(PIZZAS_SOLD_BY_DAY, lines, TimeBucket.Unit.DAY,
                OrderLine::getPizzeriaId,
                record -> record.payload().getPlacedAt(),
                line -> line.getRefunded() ? null
                        : new SalesTotals(line.getQuantity(), line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity()))),
                SalesTotals.AGGREGATION,
                "pizzas-sold", 1, d.avro(PizzasSoldRecord.class, PizzasSold.class),
                (bucket, totals) -> PizzasSold.newBuilder()
                        .setPizzeriaId(bucket.group())
                        .setDay(LocalDate.parse(bucket.label()))
                        .setPizzas(totals.pizzas())
                        .setRevenue(totals.revenue().setScale(2))
                        .build());
        d.products().stream().filter(p -> p.topic().name().equals("pizzas-sold")).findFirst()
                .ifPresent(p -> p.freshness(Duration.ofMinutes(10)));
    }
}
