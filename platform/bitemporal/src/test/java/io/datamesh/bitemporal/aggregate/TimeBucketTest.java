package io.datamesh.bitemporal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Buckets in a zone with daylight saving time: every hour of the year is one bucket, with a label of its own. */
class TimeBucketTest {

    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private final TimeBucket hours = TimeBucket.hours(ROME);

    @Test
    void theHourThatHappensTwiceWhenTheClocksGoBackIsTwoBuckets() {
        Instant first = Instant.parse("2018-10-28T00:30:00Z"); // 02:30 summer time
        Instant second = Instant.parse("2018-10-28T01:30:00Z"); // 02:30 winter time

        assertThat(hours.label(first)).isEqualTo("2018-10-28T02+02:00");
        assertThat(hours.label(second)).isEqualTo("2018-10-28T02+01:00");
        assertThat(hours.start(first)).isEqualTo(Instant.parse("2018-10-28T00:00:00Z"));
        assertThat(hours.start(second)).isEqualTo(Instant.parse("2018-10-28T01:00:00Z"));
        assertThat(hours.next(hours.start(first))).isEqualTo(hours.start(second));
    }

    @Test
    void theHourThatDoesNotHappenWhenTheClocksGoForwardHasNoBucket() {
        Instant beforeSwitch = Instant.parse("2018-03-25T00:30:00Z"); // 01:30 winter time
        assertThat(hours.label(beforeSwitch)).isEqualTo("2018-03-25T01+01:00");
        assertThat(hours.label(hours.next(hours.start(beforeSwitch)))).isEqualTo("2018-03-25T03+02:00");
        assertThatThrownBy(() -> hours.startOf("2018-03-25T02+01:00")).hasMessageContaining("is not a hour bucket label in Europe/Rome");
    }

    @Test
    void everyHourOfAYearHasADistinctLabelThatReadsBackToItsStart() {
        Set<String> labels = new LinkedHashSet<>();
        List<Instant> starts = new ArrayList<>();
        for (Instant t = hours.start(Instant.parse("2018-01-01T00:00:00Z")); t.isBefore(Instant.parse("2019-01-01T00:00:00Z")); t = hours.next(t)) {
            starts.add(t);
            labels.add(hours.label(t));
            assertThat(hours.startOf(hours.label(t))).isEqualTo(t);
            assertThat(Duration.between(t, hours.next(t))).isEqualTo(Duration.ofHours(1));
        }
        assertThat(labels).hasSize(starts.size()).hasSize(365 * 24);
    }

    @Test
    void aDaysLabelIsItsLocalDateAndItsLengthFollowsTheClocks() {
        TimeBucket days = TimeBucket.days(ROME);
        Instant autumn = days.start(Instant.parse("2018-10-28T12:00:00Z"));
        assertThat(days.label(autumn)).isEqualTo("2018-10-28");
        assertThat(Duration.between(autumn, days.next(autumn))).isEqualTo(Duration.ofHours(25));
        assertThat(days.startOf("2018-10-28")).isEqualTo(autumn);
        assertThatThrownBy(() -> days.startOf("28/10/2018")).hasMessageContaining("for example '2018-07-08'");
    }
}
