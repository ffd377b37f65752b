package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A valid-time bucket of an aggregate: hour, day or month, in the time zone the domain declares
 * (a pizzeria's day starts at its local midnight). Labels: {@code 2018-07-08T13+02:00},
 * {@code 2018-07-08}, {@code 2018-07}. An hour's label carries its UTC offset because local hours
 * are not unique: on the night the clocks go back, 02:00–03:00 happens twice
 * ({@code 2018-10-28T02+02:00}, then {@code 2018-10-28T02+01:00} in Europe/Rome), and each is a bucket
 * of its own. Day and month labels sort in time order; hour labels sort in time order except within
 * that repeated hour, so readers of a range order buckets by their start, not their label.
 */
public record TimeBucket(Unit unit, ZoneId zone) {

    /** Bucket sizes. */
    public enum Unit { HOUR, DAY, MONTH }

    private static final DateTimeFormatter LOCAL_HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH");
    private static final DateTimeFormatter HOUR_LABEL = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HHxxx")
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0).toFormatter();

    public TimeBucket {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(zone, "zone");
    }

    public static TimeBucket hours(ZoneId zone) {
        return new TimeBucket(Unit.HOUR, zone);
    }

    public static TimeBucket days(ZoneId zone) {
        return new TimeBucket(Unit.DAY, zone);
    }

    public static TimeBucket months(ZoneId zone) {
        return new TimeBucket(Unit.MONTH, zone);
    }

    /** The first instant of the bucket that holds {@code t}. */
    public Instant start(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        ZonedDateTime start = switch (unit) {
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().atStartOfDay(zone);
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
        return start.toInstant();
    }

    /** The first instant of the bucket after the one starting at {@code start}. */
    public Instant next(Instant start) {
        ZonedDateTime local = start.atZone(zone);
        return switch (unit) {
            case HOUR -> local.plusHours(1).toInstant();
            case DAY -> local.plusDays(1).toInstant();
            case MONTH -> local.plusMonths(1).toInstant();
        };
    }

    /**
     * What the labels of buckets near {@code t} start with, local time only: for hours, the label
     * without its offset ({@code 2018-10-28T02} for both hours of the night the clocks go back); for
     * days and months, the label. A store range between two such prefixes holds every bucket whose
     * local start lies between them.
     */
    String localPrefix(Instant t) {
        return unit == Unit.HOUR ? LOCAL_HOUR.format(t.atZone(zone)) : label(t);
    }

    /** The label of the bucket that holds {@code t}, e.g. {@code 2018-07-08} for days. */
    public String label(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        return switch (unit) {
            case HOUR -> HOUR_LABEL.format(local.truncatedTo(ChronoUnit.HOURS));
            case DAY -> local.toLocalDate().toString();
            case MONTH -> YearMonth.from(local).toString();
        };
    }

    /**
     * The first instant of the bucket with this label.
     *
     * @throws IllegalArgumentException if the label is not of this bucket's form, with an example
     */
    public Instant startOf(String label) {
        Instant start;
        try {
            start = switch (unit) {
                case HOUR -> OffsetDateTime.parse(label, HOUR_LABEL).toInstant();
                case DAY -> LocalDate.parse(label).atStartOfDay(zone).toInstant();
                case MONTH -> YearMonth.parse(label).atDay(1).atStartOfDay(zone).toInstant();
            };
        } catch (DateTimeParseException e) {
            throw notALabel(label, e);
        }
        if (!label(start).equals(label)) {
            throw notALabel(label, null); // e.g. an hour with an offset its zone does not have then
        }
        return start;
    }

    private IllegalArgumentException notALabel(String label, Exception cause) {
        return new IllegalArgumentException("'" + label + "' is not a " + unit.name().toLowerCase() + " bucket label in " + zone
                + "; for example '" + label(Instant.parse("2018-07-08T13:00:00Z")) + "'", cause);
    }
}
