package io.datamesh.bitemporal.aggregate;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The aggregations every domain needs: counts and sums. */
public final class Aggregations {

    private Aggregations() {
    }

    /** Counts entities: every contributing entity adds one, whatever its contribution. */
    public static BitemporalAggregation<Long, Long> count() {
        return new LongSum() {
            @Override
            public Long add(Long aggregate, Long contribution) {
                return aggregate + 1;
            }

            @Override
            public Long remove(Long aggregate, Long contribution) {
                return aggregate - 1;
            }
        };
    }

    /** Sums whole numbers (quantities, cents). */
    public static BitemporalAggregation<Long, Long> sumLong() {
        return new LongSum();
    }

    /** Sums decimals exactly (money), kept at the scale they come with. */
    public static BitemporalAggregation<BigDecimal, BigDecimal> sumDecimal() {
        return new BitemporalAggregation<>() {
            private final Serde<BigDecimal> serde = Serdes.serdeFrom(
                    (topic, d) -> d == null ? null : d.toPlainString().getBytes(StandardCharsets.UTF_8),
                    (topic, b) -> b == null ? null : new BigDecimal(new String(b, StandardCharsets.UTF_8)));

            @Override
            public BigDecimal zero() {
                return BigDecimal.ZERO;
            }

            @Override
            public BigDecimal add(BigDecimal aggregate, BigDecimal contribution) {
                return aggregate.add(contribution);
            }

            @Override
            public BigDecimal remove(BigDecimal aggregate, BigDecimal contribution) {
                return aggregate.subtract(contribution);
            }

            @Override
            public Serde<BigDecimal> contributionSerde() {
                return serde;
            }

            @Override
            public Serde<BigDecimal> aggregateSerde() {
                return serde;
            }
        };
    }

    private static class LongSum implements BitemporalAggregation<Long, Long> {
        @Override
        public Long zero() {
            return 0L;
        }

        @Override
        public Long add(Long aggregate, Long contribution) {
            return aggregate + contribution;
        }

        @Override
        public Long remove(Long aggregate, Long contribution) {
            return aggregate - contribution;
        }

        @Override
        public Serde<Long> contributionSerde() {
            return Serdes.Long();
        }

        @Override
        public Serde<Long> aggregateSerde() {
            return Serdes.Long();
        }
    }
}
