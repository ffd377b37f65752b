package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

import io.datamesh.bitemporal.Version;

/**
 * A bitemporal aggregate of a product: which group a record counts in, which valid time decides
 * its bucket, what it contributes, and how contributions combine.
 *
 * <p>Each entity counts once, with its current state: the version with the greatest
 * (validFrom, recordedAt) seen so far. When that changes (a refund, a correction, a delete), the
 * old contribution leaves its bucket and the new one enters its bucket, both at the recordedAt of
 * the change. So "pizzas sold on 2018-07-08" changes from the time a refund was recorded on, and
 * what was known before stays as it was.
 *
 * @param name stable name; the stores are {@code <name>-contributions} and {@code <name>}, the
 *             repartition topic {@code <name>-by-bucket}
 * @param group the group of a record, e.g. its pizzeria id
 * @param bucketTime the valid time that decides the bucket, e.g. the order's placement time
 * @param contribution what a record adds, or null when it adds nothing (e.g. a refunded line)
 * @param bucket bucket size and time zone
 * @param aggregation how contributions combine
 */
public record AggregateDefinition<V, C, A>(String name, Function<V, String> group, Function<Version<V>, Instant> bucketTime,
                                           Function<V, C> contribution, TimeBucket bucket,
                                           BitemporalAggregation<C, A> aggregation) {

    public AggregateDefinition {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9-]*[a-z0-9]")) {
            throw new IllegalArgumentException("aggregate name '" + name + "' must be lowercase letters, digits and '-', e.g. 'pizzas-sold-by-day'");
        }
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(bucketTime, "bucketTime");
        Objects.requireNonNull(contribution, "contribution");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(aggregation, "aggregation");
    }

    /** Store of each entity's current contribution. */
    public String contributionsStore() {
        return name + "-contributions";
    }

    /** The bitemporal store of the buckets' values. */
    public String viewStore() {
        return name;
    }
}
