package io.datamesh.runtime.query;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * Reads the time parameters of queries. An instant is ISO-8601 with a zone
 * ({@code 2018-07-08T10:00:00Z}, {@code 2018-07-08T12:00:00+02:00}); a date ({@code 2018-07-08})
 * is read in the domain's time zone: as a point in time ({@code validAt}, {@code knownAt}) it
 * means the end of that day ("as known on 2018-07-09" is everything recorded by its end), as the
 * bound of a range ({@code from}, {@code to}) its start. A time in the future is clamped to now
 * for {@code validAt}, and refused for {@code knownAt}: nobody knows the future yet.
 */
public final class QueryTime {

    /** How far ahead of this clock a {@code knownAt} may be: another instance's clock may be ahead of ours. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final ZoneId zone;
    private final Clock clock;

    public QueryTime(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /** A point in valid time; now when absent. */
    public Instant validAt(String value) {
        return value == null || value.isBlank() ? clock.instant() : point("validAt", value);
    }

    /** A point in recorded time; now when absent; refused in the future. */
    public Instant knownAt(String value) {
        Instant now = clock.instant();
        if (value == null || value.isBlank()) {
            return now;
        }
        Instant t = point("knownAt", value);
        if (t.isAfter(now.plus(CLOCK_SKEW))) {
            if (isDate(value) && LocalDate.parse(value).equals(LocalDate.ofInstant(now, zone))) {
                return now; // "as known today" is as known now
            }
            throw QueryException.badParameter("knownAt", "knownAt " + value + " is in the future (now is " + now
                    + "): what will be known then is not known yet", now.toString());
        }
        return t;
    }

    /** The start of a range bound ({@code from}, {@code to}); a date means its first instant. */
    public Instant bound(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw QueryException.badParameter(parameter, "'" + parameter + "' is required", "2018-07-08");
        }
        try {
            return isDate(value) ? LocalDate.parse(value).atStartOfDay(zone).toInstant() : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw malformed(parameter, value);
        }
    }

    private Instant point(String parameter, String value) {
        try {
            if (isDate(value)) {
                return LocalDate.parse(value).plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1);
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw malformed(parameter, value);
        }
    }

    private static boolean isDate(String value) {
        return value.length() == 10 && value.charAt(4) == '-' && value.charAt(7) == '-';
    }

    private static QueryException malformed(String parameter, String value) {
        return QueryException.badParameter(parameter, "'" + parameter + "' must be an ISO-8601 instant with a zone or a date, was '"
                + value + "'", "2018-07-08T10:00:00Z or 2018-07-08");
    }
}
