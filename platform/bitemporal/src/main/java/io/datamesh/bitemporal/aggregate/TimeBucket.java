package io.datamesh.bitemporal.aggregate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A valid-time bucket of an aggregate: hour, day or month, in the time zone the domain declares
 * (a pizzeria's day starts at its local midnight). Labels sort in time order:
 * {@code 2018-07-08T13}, {@code 2018-07-08}, {@code 2018-07}.
 */
public record TimeBucket(Unit unit, ZoneId zone) {

    /** Bucket sizes. */
    public enum Unit { HOUR, DAY, MONTH }

    private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH");

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

    /** The label of the bucket that holds {@code t}, e.g. {@code 2018-07-08} for days. */
    public String label(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        return switch (unit) {
            case HOUR -> HOUR_LABEL.format(local);
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
        try {
            return switch (unit) {
                case HOUR -> LocalDateTime.parse(label, HOUR_LABEL).atZone(zone).toInstant();
                case DAY -> LocalDate.parse(label).atStartOfDay(zone).toInstant();
                case MONTH -> YearMonth.parse(label).atDay(1).atStartOfDay(zone).toInstant();
            };
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + label + "' is not a " + unit.name().toLowerCase() + " bucket label; for example '"
                    + label(Instant.parse("2018-07-08T13:00:00Z")) + "'", e);
        }
    }
}
