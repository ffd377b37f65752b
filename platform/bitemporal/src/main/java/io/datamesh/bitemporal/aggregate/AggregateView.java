package io.datamesh.bitemporal.aggregate;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.Version;

/**
 * Read side of an aggregate: a group's buckets in a valid-time range, each as known at a time.
 *
 * <p><b>Which times it takes.</b> A range of buckets is one range of the view's store, from the
 * label of the first bucket to the label after the last; labels ({@code 2018-07-08}) sort in time
 * order only while their year has four digits. So a range lies between {@link #earliestFrom} (the
 * start of year 0000 in the bucket's zone) and {@link #latestTo} (the start of the last bucket of
 * year 9999); a bound outside is refused with an {@link IllegalArgumentException} that names it and
 * says the limit. {@code knownAt} may be any instant (see {@link BitemporalView}: after the last time a
 * store holds means everything recorded, before the first nothing).
 */
public final class AggregateView<A> {

    private static final Instant END_OF_TIME = Instant.ofEpochMilli(Long.MAX_VALUE);
    private static final LocalDateTime FIRST_FOUR_DIGIT_YEAR = LocalDateTime.of(0, 1, 1, 0, 0);
    private static final LocalDateTime LAST_FOUR_DIGIT_YEAR_END = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999);

    private final BitemporalView<A> view;
    private final TimeBucket bucket;

    public AggregateView(BitemporalView<A> view, TimeBucket bucket) {
        this.view = Objects.requireNonNull(view);
        this.bucket = Objects.requireNonNull(bucket);
    }

    /** The earliest {@code from} of {@link #buckets}: the start of year 0000 in the bucket's zone. */
    public static Instant earliestFrom(TimeBucket bucket) {
        return FIRST_FOUR_DIGIT_YEAR.atZone(bucket.zone()).toInstant();
    }

    /** The latest {@code to} of {@link #buckets}: the start of the last bucket of year 9999 in the bucket's zone. */
    public static Instant latestTo(TimeBucket bucket) {
        return bucket.start(LAST_FOUR_DIGIT_YEAR_END.atZone(bucket.zone()).toInstant());
    }

    /**
     * The buckets of {@code group} whose start lies in {@code [from, to)} (the bucket holding
     * {@code from} included), as known at {@code knownAt}; buckets nothing was known of are absent.
     *
     * @throws IllegalArgumentException if {@code to} is not after {@code from}, or either lies outside
     *         {@link #earliestFrom} … {@link #latestTo}
     */
    public List<BucketValue<A>> buckets(String group, Instant from, Instant to, Instant knownAt, int limit) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(knownAt, "knownAt");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        requireFourDigitYears("from", from);
        requireFourDigitYears("to", to);
        Instant first = bucket.start(from);
        Instant end = bucket.start(to).equals(to) ? to : bucket.next(bucket.start(to));
        // Labels sort by local time, and an hour repeats on the night the clocks go back: read every label from
        // the first bucket's local prefix through those of end's local prefix ('~' sorts after every label
        // character), then keep the buckets that start in [first, end), in time order.
        String fromEntity = new BucketKey(group, bucket.localPrefix(first)).entity();
        String toEntity = new BucketKey(group, bucket.localPrefix(end) + "~").entity();
        return view.rangeAsOf(fromEntity, toEntity, END_OF_TIME, knownAt, limit + 4).stream()
                .map(this::toBucket)
                .filter(b -> !b.start().isBefore(first) && b.start().isBefore(end))
                .sorted(java.util.Comparator.comparing(BucketValue::start))
                .limit(limit)
                .toList();
    }

    /**
     * One bucket as known at {@code knownAt}, or null if nothing was known of it then.
     *
     * @throws IllegalArgumentException if {@code in} lies in no bucket: beyond the years a time zone
     *         can place (±999,999,999)
     */
    public BucketValue<A> bucket(String group, Instant in, Instant knownAt) {
        Objects.requireNonNull(in, "in");
        String label;
        try {
            label = bucket.label(in);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'in' (" + in + ") lies in no " + bucket.unit().name().toLowerCase() + " bucket of "
                    + bucket.zone() + ": " + e.getMessage(), e);
        }
        return view.asOf(new BucketKey(group, label).entity(), END_OF_TIME, knownAt).map(this::toBucket).orElse(null);
    }

    private void requireFourDigitYears(String argument, Instant t) {
        Instant earliest = earliestFrom(bucket);
        Instant latest = latestTo(bucket);
        if (t.isBefore(earliest) || t.isAfter(latest)) {
            throw new IllegalArgumentException("'" + argument + "' (" + t + ") must lie between " + earliest + " and " + latest
                    + ", the years 0000 to 9999 of " + bucket.zone() + ", whose bucket labels sort in time order");
        }
    }

    private BucketValue<A> toBucket(Version<A> v) {
        BucketKey key = BucketKey.parse(v.entity());
        return new BucketValue<>(key.group(), key.label(), v.validFrom(), v.value(), v.recordedAt());
    }
}
