package io.datamesh.apps.sales;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import io.datamesh.bitemporal.aggregate.BitemporalAggregation;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Pizzas and revenue together: the aggregation the sales domain writes for itself (the SDK gives
 * counts and sums; a pair of them is this small class). A line contributes its quantity and
 * quantity × unit price; a refund takes both back out.
 *
 * @param pizzas pizzas sold
 * @param revenue revenue in EUR
 */
public record SalesTotals(long pizzas, BigDecimal revenue) {

    static final SalesTotals ZERO = new SalesTotals(0, BigDecimal.ZERO.setScale(2));

    SalesTotals plus(SalesTotals o) {
        return new SalesTotals(pizzas + o.pizzas, revenue.add(o.revenue));
    }

    SalesTotals minus(SalesTotals o) {
        return new SalesTotals(pizzas - o.pizzas, revenue.subtract(o.revenue));
    }

    static final Serde<SalesTotals> SERDE = Serdes.serdeFrom(
            (topic, t) -> t == null ? null : (t.pizzas + "|" + t.revenue.toPlainString()).getBytes(StandardCharsets.UTF_8),
            (topic, b) -> {
                if (b == null) {
                    return null;
                }
                String[] f = new String(b, StandardCharsets.UTF_8).split("\\|");
                if (f.length != 2) {
                    throw new SerializationException("not sales totals: " + new String(b, StandardCharsets.UTF_8));
                }
                return new SalesTotals(Long.parseLong(f[0]), new BigDecimal(f[1]));
            });

    /** Sum of pizzas and revenue per bucket. */
    static final BitemporalAggregation<SalesTotals, SalesTotals> AGGREGATION = new BitemporalAggregation<>() {
        @Override
        public SalesTotals zero() {
            return ZERO;
        }

        @Override
        public SalesTotals add(SalesTotals aggregate, SalesTotals contribution) {
            return aggregate.plus(contribution);
        }

        @Override
        public SalesTotals remove(SalesTotals aggregate, SalesTotals contribution) {
            return aggregate.minus(contribution);
        }

        @Override
        public Serde<SalesTotals> contributionSerde() {
            return SERDE;
        }

        @Override
        public Serde<SalesTotals> aggregateSerde() {
            return SERDE;
        }
    };
}
