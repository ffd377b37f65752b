package io.datamesh.apps.kitchen;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import io.datamesh.schemas.kitchen.HeatShelfTime;
import io.datamesh.schemas.kitchen.HeatShelfTimeRecord;
import io.datamesh.schemas.kitchen.PizzaEvent;
import io.datamesh.schemas.kitchen.PizzaEventRecord;
import io.datamesh.schemas.kitchen.PizzaStage;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.JsonSerde;

/**
 * The kitchen domain: a pizza's life on the service bus (ordered, cooking started, baked, on the
 * heat shelf, picked up) becomes {@code kitchen.product.pizza-events.v1}, one version per stage,
 * with a view by pizza; and a derived product, how long each pizza cooled on the heat shelf:
 * {@code kitchen.product.heat-shelf-times.v1}.
 */
public final class KitchenDomain implements DomainDefinition {

    public static final String PIZZAS_BY_ID = "pizzas-by-id";

    @Override
    public String name() {
        return "kitchen";
    }

    @Override
    public void define(Domain d) {
        d.owner("team-kitchen@pizza.example").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Raw<JsonRecord> bus = d.raw("pizza-events", JsonSerde.record());
        Domain.Product<PizzaEvent> events = d.publish("pizza-events", 1, d.avro(PizzaEventRecord.class, PizzaEvent.class), bus, (in, out) -> {
            JsonRecord m = in.value();
            Instant at = m.time("at");
            out.upsert(m.text("pizza_id"), at, PizzaEvent.newBuilder()
                    .setPizzaId(m.text("pizza_id"))
                    .setOrderId(m.text("order_id"))
                    .setPizzeriaId(m.text("pizzeria_id"))
                    .setStage(stage(m.text("stage")))
                    .setAt(at)
                    .build());
        }).freshness(Duration.ofMinutes(2)).view(PIZZAS_BY_ID);

        d.derive("heat-shelf-times", 1, d.avro(HeatShelfTimeRecord.class, HeatShelfTime.class), events, null, (record, history, out) -> {
            PizzaStage stage = record.payload().getStage();
            if (stage != PizzaStage.ON_HEAT_SHELF && stage != PizzaStage.PICKED_UP) {
                return;
            }
            Optional<Instant> shelved = at(history, PizzaStage.ON_HEAT_SHELF);
            Optional<Instant> picked = at(history, PizzaStage.PICKED_UP);
            if (shelved.isPresent() && picked.isPresent()) {
                out.upsert(record.key(), picked.get(), HeatShelfTime.newBuilder()
                        .setPizzaId(record.key())
                        .setPizzeriaId(record.payload().getPizzeriaId())
                        .setShelvedAt(shelved.get())
                        .setPickedUpAt(picked.get())
                        .setSecondsOnShelf(Duration.between(shelved.get(), picked.get()).toSeconds())
                        .build());
            }
        });
    }

    /** When the pizza reached {@code stage}, as its history says (the latest record of that stage). */
    private static Optional<Instant> at(java.util.List<ProductRecord<PizzaEvent>> history, PizzaStage stage) {
        return history.stream().filter(r -> r.payload().getStage() == stage).map(r -> r.payload().getAt()).reduce((a, b) -> b);
    }

    private static PizzaStage stage(String s) {
        try {
            return PizzaStage.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stage must be one of " + Arrays.toString(PizzaStage.values()) + ", was '" + s + "'");
        }
    }
}
