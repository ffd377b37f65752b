package io.datamesh.apps.kitchen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.datamesh.schemas.kitchen.HeatShelfTime;
import io.datamesh.schemas.kitchen.PizzaEvent;
import io.datamesh.schemas.kitchen.PizzaStage;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pizza's life on the bus, and how long it cooled on the heat shelf. */
class KitchenDomainTest {

    static final Instant T = Instant.parse("2018-07-08T19:00:00Z");
    private DomainTestDriver driver;

    @BeforeEach
    void start() {
        driver = DomainTestDriver.of(new KitchenDomain());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void event(String messageId, String pizza, String stage, Instant at) throws Exception {
        String json = "{\"pizza_id\":\"" + pizza + "\",\"order_id\":\"o1\",\"pizzeria_id\":\"42\",\"stage\":\"" + stage + "\",\"at\":\"" + at + "\"}";
        driver.pipeRaw("kitchen.raw.pizza-events", pizza, JsonRecord.parse(json), at.plusMillis(5),
                SourcePosition.bus("kitchen.pizza-events", messageId));
    }

    @Test
    void everyStageIsAVersionOfThePizza() throws Exception {
        event("m1", "p1", "ordered", T);
        event("m2", "p1", "cooking_started", T.plusSeconds(60));
        event("m3", "p1", "baked", T.plusSeconds(600));

        assertThat(driver.<PizzaEvent>readProduct("kitchen.product.pizza-events.v1")).extracting(r -> r.payload().getStage())
                .containsExactly(PizzaStage.ORDERED, PizzaStage.COOKING_STARTED, PizzaStage.BAKED);
        assertThat(driver.<PizzaEvent>view(KitchenDomain.PIZZAS_BY_ID).asOf("p1", T.plusSeconds(120), T.plusSeconds(3600))).get()
                .extracting(v -> v.value().payload().getStage()).isEqualTo(PizzaStage.COOKING_STARTED);
    }

    @Test
    void theTimeOnTheHeatShelfIsDerivedWhenBothEndsAreKnownInAnyOrder() throws Exception {
        event("m1", "p1", "on_heat_shelf", T.plusSeconds(700));
        event("m2", "p1", "picked_up", T.plusSeconds(940));
        event("m3", "p2", "picked_up", T.plusSeconds(1000)); // arrives before its shelf event
        event("m4", "p2", "on_heat_shelf", T.plusSeconds(900));

        List<ProductRecord<HeatShelfTime>> times = driver.readProduct("kitchen.product.heat-shelf-times.v1");
        assertThat(times).extracting(ProductRecord::key, r -> r.payload().getSecondsOnShelf())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", 240L), org.assertj.core.groups.Tuple.tuple("p2", 100L));
        assertThat(times.get(0).recordedAt()).isEqualTo(T.plusSeconds(940).plusMillis(5));
        assertThat(times.get(0).validFrom()).isEqualTo(T.plusSeconds(940));
        assertThat(times.get(0).source()).isEqualTo(SourcePosition.bus("kitchen.pizza-events", "m2"));
    }

    @Test
    void aRedeliveredBusMessageIsPublishedOnceAndDerivesNothingNew() throws Exception {
        event("m1", "p1", "on_heat_shelf", T);
        event("m2", "p1", "picked_up", T.plusSeconds(30));
        event("m2", "p1", "picked_up", T.plusSeconds(30)); // RabbitMQ redelivery

        assertThat(driver.readProduct("kitchen.product.pizza-events.v1")).hasSize(2);
        assertThat(driver.readProduct("kitchen.product.heat-shelf-times.v1")).hasSize(1);
    }

    @Test
    void anUnknownStageIsADeadLetter() throws Exception {
        event("m1", "p1", "eaten", T);
        assertThat(driver.readDeadLetters()).singleElement().satisfies(d -> assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON))
                .startsWith("mapping failed: stage must be one of [ORDERED, COOKING_STARTED, BAKED, ON_HEAT_SHELF, PICKED_UP]"));
    }
}
