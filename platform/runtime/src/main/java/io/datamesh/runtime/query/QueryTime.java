package io.datamesh.runtime.query;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import io.datamesh.bitemporal.BitemporalView;

/**
 * Reads the time parameters of queries. An instant is ISO-8601 with a zone
 * ({@code 2018-07-08T10:00:00Z}, {@code 2018-07-08T12:00:00+02:00}); a date ({@code 2018-07-08})
 * is read in the domain's time zone: as a point in time ({@code validAt}, {@code knownAt}) it
 * means the end of that day ("as known on 2018-07-09" is everything recorded by its end), as the
 * bound of a range ({@code from}, {@code to}) its start. A {@code knownAt} in the future is refused:
 * nobody knows the future yet; a {@code validAt} in the future is a question like any other.
 *
 * <p>A point in time lies between {@link #FIRST} and {@link #LAST}, what a view's store holds (epoch
 * milliseconds in a {@code long}, about ±292 million years), and is read to the millisecond it
 * lies in: a store holds nothing finer, so the answer is the same, and it is the time the answer
 * and its page tokens say.
 */
public final class QueryTime {

    /** How far ahead of this clock a {@code knownAt} may be: another instance's clock may be ahead of ours. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    /** The earliest point in time a query may name: the first a store holds. */
    static final Instant FIRST = BitemporalView.FIRST;
    /** The latest point in time a query may name: the last a store holds. */
    static final Instant LAST = BitemporalView.LAST;

    private final ZoneId zone;
    private final Clock clock;

    public QueryTime(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /** A point in valid time; now when absent. */
    public Instant validAt(String value) {
        return value == null || value.isBlank() ? clock.instant().truncatedTo(ChronoUnit.MILLIS) : point("validAt", value);
    }

    /** A point in recorded time; now when absent; refused in the future. */
    public Instant knownAt(String value) {
        Instant now = clock.instant();
        if (value == null || value.isBlank()) {
            return now.truncatedTo(ChronoUnit.MILLIS);
        }
        Instant t = point("knownAt", value);
        if (t.isAfter(now.plus(CLOCK_SKEW))) {
            if (isDate(value) && LocalDate.parse(value).equals(LocalDate.ofInstant(now, zone))) {
                return now.truncatedTo(ChronoUnit.MILLIS); // "as known today" is as known now
            }
            throw QueryException.badParameter("knownAt", "knownAt " + value + " is in the future (now is " + now
                    + "): what will be known then is not known yet", now.toString());
        }
        return t;
    }

    /**
     * Checks the {@code knownAt} a page token carries as the {@code knownAt} of a request is checked:
     * a token is no way around a check. A refusal names {@code page}, the parameter the client sent.
     */
    void requireKnownAtOfPage(Instant knownAt) {
        Instant now = clock.instant();
        if (knownAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw QueryException.badParameter("page", "the page token's knownAt " + knownAt + " is in the future (now is " + now
                    + "): what will be known then is not known yet; 'page' must be the 'next' token of a previous answer, unchanged", null);
        }
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
        Instant t;
        try {
            t = isDate(value) ? LocalDate.parse(value).plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1)
                    : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw malformed(parameter, value);
        }
        // The last millisecond a store holds reaches LAST + 999,999 ns: read to the millisecond, it is LAST.
        if (t.isBefore(FIRST) || t.truncatedTo(ChronoUnit.MILLIS).isAfter(LAST)) {
            throw QueryException.badParameter(parameter, "'" + parameter + "' must lie between " + FIRST + " and " + LAST
                    + ", the times a view's store holds (epoch milliseconds), was '" + value + "'", "2018-07-08T10:00:00Z");
        }
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    private static boolean isDate(String value) {
        return value.length() == 10 && value.charAt(4) == '-' && value.charAt(7) == '-';
    }

    private static QueryException malformed(String parameter, String value) {
        return QueryException.badParameter(parameter, "'" + parameter + "' must be an ISO-8601 instant with a zone or a date, was '"
                + value + "'", "2018-07-08T10:00:00Z or 2018-07-08");
    }
}
