package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

import io.datamesh.bitemporal.Version;

/**
 * A bitemporal aggregate of a product: which group a record counts in, which valid time decides
 * its bucket, what it contributes, and how contributions combine.
 *
 * <p>Each entity counts once, with its state as known at the time asked about: among its versions
 * recorded by then, the greatest by (validFrom, recordedAt, source order). When that changes (a
 * refund, a correction, a delete), the old contribution leaves its bucket and the new one enters
 * its bucket, both at the recordedAt of the change. So "pizzas sold on 2018-07-08" changes from the
 * time a refund was recorded on, and what was known before stays as it was — whatever order the
 * versions arrive in.
 *
 * @param name stable name; the stores are {@code <name>-entities}, {@code <name>} (the buckets) and
 *             {@code <name>-outbox}, the repartition topic {@code <name>-by-bucket}
 * @param group the group of a record, e.g. its pizzeria id
 * @param bucketTime the valid time that decides the bucket, e.g. the order's placement time
 * @param contribution what a record adds, or null when it adds nothing (e.g. a refunded line)
 * @param bucket bucket size and time zone
 * @param aggregation how contributions combine
 * @param sourceOrder the identity of a version among the versions of its entity with the same
 *                    validFrom and recordedAt, as bytes whose unsigned order decides which of them
 *                    is the later (for products: the source position, which grows in a source's
 *                    order; a correction above all of them); never empty. A version with the same
 *                    times and source order as one seen before is the same version: an exact replay
 *                    when it contributes the same, else it takes that one's place (a correction of a
 *                    correction).
 */
public record AggregateDefinition<V, C, A>(String name, Function<V, String> group, Function<Version<V>, Instant> bucketTime,
                                           Function<V, C> contribution, TimeBucket bucket,
                                           BitemporalAggregation<C, A> aggregation, Function<Version<V>, byte[]> sourceOrder) {

    private static final byte[] NO_ORDER = {0};

    /** An aggregate whose versions are told apart by their times alone: of versions with equal times, the last one holds. */
    public AggregateDefinition(String name, Function<V, String> group, Function<Version<V>, Instant> bucketTime,
                               Function<V, C> contribution, TimeBucket bucket, BitemporalAggregation<C, A> aggregation) {
        this(name, group, bucketTime, contribution, bucket, aggregation, v -> NO_ORDER);
    }

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
        Objects.requireNonNull(sourceOrder, "sourceOrder");
    }

    /** Store of each entity's versions as the aggregate keeps them (times, identity, contribution). */
    public String entitiesStore() {
        return name + "-entities";
    }

    /** Store of the buckets' versions waiting to be published. */
    public String outboxStore() {
        return name + "-outbox";
    }

    byte[] encodeContribution(C contribution) {
        return aggregation.contributionSerde().serializer().serialize(entitiesStore(), contribution);
    }

    C decodeContribution(byte[] bytes) {
        return aggregation.contributionSerde().deserializer().deserialize(entitiesStore(), bytes);
    }

    /** The bitemporal store of the buckets' values. */
    public String viewStore() {
        return name;
    }
}
