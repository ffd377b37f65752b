package io.datamesh.bitemporal.aggregate;

import org.apache.kafka.common.serialization.Serde;

/**
 * How a bucket's value is kept: a starting value and a way to add and remove one entity's
 * contribution. Removal must undo addition exactly (an abelian group: counts, sums), because a
 * corrected or deleted entity takes its old contribution back out of its old bucket.
 *
 * <p>Write other aggregations (a sum of squares, a count of distinct flags) by implementing this.
 *
 * @param <C> one entity's contribution (e.g. a quantity)
 * @param <A> the bucket's value (e.g. a total)
 */
public interface BitemporalAggregation<C, A> {

    /** The value of an empty bucket. */
    A zero();

    /** {@code aggregate} with {@code contribution} added. */
    A add(A aggregate, C contribution);

    /** {@code aggregate} with {@code contribution} taken out again. */
    A remove(A aggregate, C contribution);

    /** Serde of contributions, for the repartition topic between the two stages. */
    Serde<C> contributionSerde();

    /** Serde of bucket values, for the view store. */
    Serde<A> aggregateSerde();
}
