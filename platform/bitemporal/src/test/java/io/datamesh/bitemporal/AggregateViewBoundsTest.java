package io.datamesh.bitemporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import io.datamesh.bitemporal.aggregate.AggregateView;
import io.datamesh.bitemporal.aggregate.BucketKey;
import io.datamesh.bitemporal.aggregate.BucketValue;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An aggregate's read side at the edges of time: the first and last buckets it can range over, and times beyond them. */
class AggregateViewBoundsTest {

    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final TimeBucket DAYS = TimeBucket.days(ROME);
    private static final Instant RECORDED = Instant.parse("2018-07-08T19:00:00Z");

    private StoreFixture fixture;
    private AggregateView<String> days;

    @BeforeEach
    void open() throws Exception {
        fixture = StoreFixture.rocksDb();
        BitemporalStore<String> store = fixture.strings();
        for (String day : new String[] {"0000-01-01", "2018-07-08", "9999-12-30", "9999-12-31"}) {
            store.put(Version.upsert(new BucketKey("42", day).entity(), DAYS.startOf(day), RECORDED, "sold on " + day));
        }
        days = new AggregateView<>(store, DAYS);
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void aRangeReachesFromTheFirstBucketOfYear0000ToTheLastButOneOf9999() {
        Instant earliest = AggregateView.earliestFrom(DAYS);
        Instant latest = AggregateView.latestTo(DAYS);
        assertThat(earliest).isEqualTo(LocalDate.of(0, 1, 1).atStartOfDay(ROME).toInstant());
        assertThat(latest).isEqualTo(LocalDate.of(9999, 12, 31).atStartOfDay(ROME).toInstant());
        assertThat(AggregateView.latestTo(TimeBucket.months(ROME))).isEqualTo(LocalDate.of(9999, 12, 1).atStartOfDay(ROME).toInstant());

        assertThat(days.buckets("42", earliest, latest, RECORDED, 10)).extracting(BucketValue::label)
                .containsExactly("0000-01-01", "2018-07-08", "9999-12-30");
    }

    @Test
    void boundsBeyondThoseYearsAreRefusedByName() {
        Instant earliest = AggregateView.earliestFrom(DAYS);
        Instant latest = AggregateView.latestTo(DAYS);
        assertThatThrownBy(() -> days.buckets("42", earliest.minusNanos(1), latest, RECORDED, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'from' (")
                .hasMessageContaining("must lie between " + earliest + " and " + latest);
        assertThatThrownBy(() -> days.buckets("42", earliest, latest.plusNanos(1), RECORDED, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'to' (");
        assertThatThrownBy(() -> days.buckets("42", Instant.MIN, Instant.MAX, RECORDED, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'from' (");
        assertThatThrownBy(() -> days.bucket("42", Instant.MAX, RECORDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'in' (");
    }

    @Test
    void aKnownAtBeyondWhatAStoreHoldsMeansEverythingOrNothing() {
        Instant from = DAYS.startOf("2018-07-01");
        Instant to = DAYS.startOf("2018-08-01");
        assertThat(days.buckets("42", from, to, Instant.MAX, 10)).extracting(BucketValue::label).containsExactly("2018-07-08");
        assertThat(days.buckets("42", from, to, BitemporalView.LAST.plusMillis(1), 10)).hasSize(1);
        assertThat(days.buckets("42", from, to, Instant.MIN, 10)).isEmpty();
        assertThat(days.buckets("42", from, to, RECORDED.minusNanos(1), 10)).isEmpty();
        assertThat(days.buckets("42", from, to, RECORDED.plusNanos(999_999), 10)).hasSize(1);
        assertThat(days.bucket("42", DAYS.startOf("2018-07-08"), Instant.MAX).value()).isEqualTo("sold on 2018-07-08");
        assertThat(days.bucket("42", DAYS.startOf("2018-07-08"), Instant.MIN)).isNull();
    }
}
