package io.datamesh.sdk;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import io.datamesh.bitemporal.aggregate.Aggregations;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A small domain as a feature team writes it. Raw orders are "id|pizzeria|quantity|placedAt|status";
 * the product's payload is "pizzeria|quantity|placedAt|status"; pizzas sold per pizzeria and Rome day
 * are published as "pizzeria|day|pizzas".
 */
public final class ShopDomain implements DomainDefinition {

    @Override
    public String name() {
        return "shop";
    }

    @Override
    public void define(Domain d) {
        d.owner("team-shop").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Raw<String> raw = d.raw("orders", Serdes.String());
        Domain.Product<String> orders = d.publish("orders", 1, StringProductFormat.INSTANCE, raw, (in, out) -> {
            String[] f = in.value().split("\\|");
            if (f.length != 5) {
                throw new IllegalArgumentException("expected 5 fields id|pizzeria|quantity|placedAt|status, got " + f.length);
            }
            Instant placedAt = Instant.parse(f[3]);
            if (f[4].equals("DELETED")) {
                out.delete(f[0], in.recordedAt());
            } else if (f[4].equals("REFUNDED")) {
                out.upsert(f[0], in.recordedAt(), f[1] + "|" + f[2] + "|" + f[3] + "|" + f[4]);
            } else {
                out.upsert(f[0], placedAt, f[1] + "|" + Integer.parseInt(f[2]) + "|" + f[3] + "|" + f[4]);
            }
        }).freshness(Duration.ofMinutes(5)).view("orders-by-id");
        d.aggregate("pizzas-sold-by-day", orders, TimeBucket.Unit.DAY,
                p -> p.split("\\|")[0],
                r -> Instant.parse(r.payload().split("\\|")[2]),
                p -> p.endsWith("REFUNDED") ? null : Long.parseLong(p.split("\\|")[1]),
                Aggregations.sumLong(),
                "pizzas-sold", 1, StringProductFormat.INSTANCE,
                (bucket, total) -> bucket.group() + "|" + bucket.label() + "|" + total);
    }
}
