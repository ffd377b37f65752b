package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.Version;

/** Read side of an aggregate: a group's buckets in a valid-time range, each as known at a time. */
public final class AggregateView<A> {

    private static final Instant END_OF_TIME = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final BitemporalView<A> view;
    private final TimeBucket bucket;

    public AggregateView(BitemporalView<A> view, TimeBucket bucket) {
        this.view = Objects.requireNonNull(view);
        this.bucket = Objects.requireNonNull(bucket);
    }

    /**
     * The buckets of {@code group} whose start lies in {@code [from, to)} (the bucket holding
     * {@code from} included), as known at {@code knownAt}; buckets nothing was known of are absent.
     */
    public List<BucketValue<A>> buckets(String group, Instant from, Instant to, Instant knownAt, int limit) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        Instant first = bucket.start(from);
        Instant end = bucket.start(to).equals(to) ? to : bucket.next(bucket.start(to));
        // Labels sort by local time; an hour's repeats on the night the clocks go back: read from the first
        // bucket's local prefix to the one after the last, then keep the buckets that start in [first, end).
        String fromEntity = new BucketKey(group, bucket.localPrefix(first)).entity();
        String toEntity = new BucketKey(group, bucket.localPrefix(bucket.next(end))).entity();
        return view.rangeAsOf(fromEntity, toEntity, END_OF_TIME, knownAt, limit + 4).stream()
                .map(this::toBucket)
                .filter(b -> !b.start().isBefore(first) && b.start().isBefore(end))
                .sorted(java.util.Comparator.comparing(BucketValue::start))
                .limit(limit)
                .toList();
    }

    /** One bucket as known at {@code knownAt}, or null if nothing was known of it then. */
    public BucketValue<A> bucket(String group, Instant in, Instant knownAt) {
        return view.asOf(new BucketKey(group, bucket.label(in)).entity(), END_OF_TIME, knownAt).map(this::toBucket).orElse(null);
    }

    private BucketValue<A> toBucket(Version<A> v) {
        BucketKey key = BucketKey.parse(v.entity());
        return new BucketValue<>(key.group(), key.label(), v.validFrom(), v.value(), v.recordedAt());
    }
}
