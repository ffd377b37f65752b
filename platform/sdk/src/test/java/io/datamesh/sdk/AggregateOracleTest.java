package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.aggregate.AggregateView;
import io.datamesh.bitemporal.aggregate.Aggregations;
import io.datamesh.bitemporal.aggregate.BucketValue;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * Aggregates against a brute-force model: random histories of order lines (corrections, refunds,
 * deletes, lines moving between pizzerias and days, equal recorded and valid times, exact replays),
 * arriving in a random order — within an entity too — with the outbox published at random moments.
 * For every bucket and every recorded time t, the model recomputes "as known at t" from scratch
 * (each line counts with its greatest version recorded by t) and compares it with what the
 * aggregate's product says and what its store answers, in Rome's DAY and HOUR buckets across both
 * changes of the clocks. The product must also hold one record per coordinate unless it is a
 * correction. The seed of each history is printed; {@code -Doracle.seed=N} replays one.
 */
class AggregateOracleTest {

    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final String LINES = "shop.product.lines.v1";
    private static final String BY_DAY = "tally.product.by-day.v1";
    private static final String BY_HOUR = "tally.product.by-hour.v1";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHxxx");
    /** The nights the clocks changed in Rome in 2018: 02:00 → 03:00 on 25 March, 03:00 → 02:00 on 28 October (01:00 UTC). */
    private static final Instant[] CLOCK_CHANGES = {Instant.parse("2018-03-25T01:00:00Z"), Instant.parse("2018-10-28T01:00:00Z")};

    /** A consumer domain tallying pizzas per pizzeria, per Rome day and per Rome hour. Lines are "pizzeria|quantity|placedAt|refunded". */
    static final class Tally implements DomainDefinition {
        @Override
        public String name() {
            return "tally";
        }

        @Override
        public void define(Domain d) {
            d.owner("oracle").timeZone(ROME);
            Domain.Consumed<String> lines = d.consume(LINES, StringProductFormat.INSTANCE);
            for (TimeBucket.Unit unit : new TimeBucket.Unit[] {TimeBucket.Unit.DAY, TimeBucket.Unit.HOUR}) {
                String name = unit == TimeBucket.Unit.DAY ? "by-day" : "by-hour";
                d.aggregate(name, lines, unit, p -> p.split("\\|")[0], r -> Instant.parse(r.payload().split("\\|")[2]),
                        p -> Boolean.parseBoolean(p.split("\\|")[3]) ? null : Long.parseLong(p.split("\\|")[1]),
                        Aggregations.sumLong(), name, 1, StringProductFormat.INSTANCE,
                        (bucket, total) -> bucket.group() + "|" + bucket.label() + "|" + total);
            }
        }
    }

    /**
     * One version of a line: its times, its source position (identity and order), its payload (null: a
     * delete), and whether it is a correction (which supersedes what has its times).
     */
    record LineVersion(String line, Instant validFrom, Instant recordedAt, SourcePosition position, String payload, boolean correction) {

        ProductRecord<String> record() {
            Operation op = payload == null ? Operation.DELETE : correction ? Operation.CORRECTION : Operation.UPSERT;
            return new ProductRecord<>(line, validFrom, recordedAt, op, position, ContentHash.of(StringProductFormat.INSTANCE, payload),
                    payload);
        }

        /** The model's order of a line's versions: validFrom, recordedAt, a correction last, then the source's order (partition, offset). */
        static final Comparator<LineVersion> ORDER = Comparator.comparing(LineVersion::validFrom)
                .thenComparing(LineVersion::recordedAt)
                .thenComparing(LineVersion::correction)
                .thenComparing((LineVersion v) -> v.position().segment())
                .thenComparingLong(v -> v.position().offset());
    }

    @Test
    void everyBucketAsKnownAtAnyTimeIsWhatTheSourcesHadRecordedByThen() {
        String fixed = System.getProperty("oracle.seed");
        int rounds = fixed != null ? 1 : Integer.getInteger("oracle.rounds", 80);
        long first = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        for (int round = 0; round < rounds; round++) {
            long seed = first + round;
            System.out.println("AggregateOracleTest seed=" + seed);
            check(seed);
        }
    }

    private void check(long seed) {
        Random random = new Random(seed);
        List<LineVersion> history = history(random);
        List<LineVersion> arrivals = new ArrayList<>(history);
        for (LineVersion v : history) {
            if (random.nextInt(4) == 0) {
                arrivals.add(v); // an exact replay: a redelivery, or a reprocessed partition
            }
        }
        Collections.shuffle(arrivals, random);
        Map<String, List<ProductRecord<String>>> published = new HashMap<>();
        try (DomainTestDriver driver = DomainTestDriver.of(new Tally())) {
            for (LineVersion v : arrivals) {
                driver.pipeProduct(LINES, List.of(v.record()));
                if (random.nextInt(6) == 0) {
                    collect(driver, published);
                }
            }
            collect(driver, published);
            assertThat(driver.readDeadLetters()).as("seed=%d: no dead letters", seed).isEmpty();

            Set<Instant> times = new TreeSet<>();
            history.forEach(v -> times.add(v.recordedAt()));
            times.add(Instant.parse("2018-01-01T00:00:00Z"));
            for (TimeBucket.Unit unit : new TimeBucket.Unit[] {TimeBucket.Unit.DAY, TimeBucket.Unit.HOUR}) {
                String topic = unit == TimeBucket.Unit.DAY ? BY_DAY : BY_HOUR;
                List<ProductRecord<String>> records = published.getOrDefault(topic, List.of());
                assertOneRecordPerCoordinateUnlessCorrected(seed, records);
                AggregateView<Long> view = new AggregateView<>(new BitemporalView<>(driver.store(unit == TimeBucket.Unit.DAY ? "by-day" : "by-hour"),
                        Serdes.Long(), topic), new TimeBucket(unit, ROME));
                Map<String, Instant> buckets = new TreeMap<>();
                history.stream().filter(v -> v.payload() != null).forEach(v -> buckets.put(key(v, unit), start(v, unit)));
                for (ProductRecord<String> r : records) {
                    assertThat(buckets).as("seed=%d: a published bucket comes from some line: %s", seed, r).containsKey(r.key());
                    assertThat(r.validFrom()).as("seed=%d: %s is valid from its bucket's start", seed, r).isEqualTo(buckets.get(r.key()));
                }
                for (Instant t : times) {
                    for (String group : new String[] {"a", "b", "c"}) {
                        // A range over the whole history: every bucket with a value, in time order (the repeated hour too).
                        List<BucketValue<Long>> range = view.buckets(group, Instant.parse("2018-01-01T00:00:00Z"),
                                Instant.parse("2018-12-31T00:00:00Z"), t, 1000);
                        assertThat(range).extracting(BucketValue::start).as("seed=%d: %s buckets of %s in time order", seed, unit, group)
                                .isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
                        for (BucketValue<Long> v : range) {
                            assertThat(v.value()).as("seed=%d: range, %s bucket %s@%s as known at %s", seed, unit, group, v.label(), t)
                                    .isEqualTo(model(history, unit, group + "@" + v.label(), t));
                        }
                        Set<String> listed = new LinkedHashSet<>();
                        range.forEach(v -> listed.add(group + "@" + v.label()));
                        for (String key : buckets.keySet()) {
                            if (key.startsWith(group + "@") && model(history, unit, key, t) != 0) {
                                assertThat(listed).as("seed=%d: the range as known at %s lists %s", seed, t, key).contains(key);
                            }
                        }
                    }
                    for (Map.Entry<String, Instant> b : buckets.entrySet()) {
                        long expected = model(history, unit, b.getKey(), t);
                        String where = "seed=" + seed + " " + unit + " bucket " + b.getKey() + " as known at " + t;
                        assertThat(productAsOf(records, b.getKey(), t)).as("product, " + where).isEqualTo(expected);
                        String group = b.getKey().substring(0, b.getKey().indexOf('@'));
                        BucketValue<Long> stored = view.bucket(group, b.getValue(), t);
                        assertThat(stored == null ? 0 : stored.value()).as("store, " + where).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** Random lines of three pizzerias, each with 1–4 versions, near one of the nights the clocks changed. */
    private static List<LineVersion> history(Random random) {
        Instant change = CLOCK_CHANGES[random.nextInt(CLOCK_CHANGES.length)];
        List<LineVersion> out = new ArrayList<>();
        int lines = 1 + random.nextInt(10);
        long offset = 0;
        for (int l = 0; l < lines; l++) {
            String line = "o" + l + "#1";
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                // Few distinct times, so that recorded and valid times often tie.
                Instant validFrom = change.plus(Duration.ofMinutes(30L * (random.nextInt(7) - 3)));
                Instant recordedAt = change.plus(Duration.ofMinutes(30L * random.nextInt(6)));
                Instant placedAt = change.plus(Duration.ofMinutes(20L * (random.nextInt(13) - 6)));
                String payload = random.nextInt(6) == 0 ? null
                        : "abc".charAt(random.nextInt(3)) + "|" + (1 + random.nextInt(5)) + "|" + placedAt + "|" + (random.nextInt(5) == 0);
                SourcePosition position = SourcePosition.kafka("shop.raw.lines", random.nextInt(2), offset++);
                // One correction per line and times at most: two would be ordered by arrival, which is random here.
                boolean correction = payload != null && random.nextInt(6) == 0 && out.stream().noneMatch(v -> v.correction()
                        && v.line().equals(line) && v.validFrom().equals(validFrom) && v.recordedAt().equals(recordedAt));
                out.add(new LineVersion(line, validFrom, recordedAt, position, payload, correction));
            }
        }
        return out;
    }

    /** The model: the sum over lines of what each line's greatest version recorded by {@code t} contributes to the bucket. */
    private static long model(List<LineVersion> history, TimeBucket.Unit unit, String bucket, Instant t) {
        Map<String, LineVersion> state = new HashMap<>();
        for (LineVersion v : history) {
            if (!v.recordedAt().isAfter(t)) {
                state.merge(v.line(), v, (a, b) -> LineVersion.ORDER.compare(a, b) >= 0 ? a : b);
            }
        }
        long total = 0;
        for (LineVersion v : state.values()) {
            if (v.payload() != null && !Boolean.parseBoolean(v.payload().split("\\|")[3]) && key(v, unit).equals(bucket)) {
                total += Long.parseLong(v.payload().split("\\|")[1]);
            }
        }
        return total;
    }

    /** {@code pizzeria@label}, computed here from java.time, not by the platform's TimeBucket. */
    private static String key(LineVersion v, TimeBucket.Unit unit) {
        ZonedDateTime placed = Instant.parse(v.payload().split("\\|")[2]).atZone(ROME);
        String label = unit == TimeBucket.Unit.DAY ? placed.toLocalDate().toString() : HOUR.format(placed.truncatedTo(ChronoUnit.HOURS));
        return v.payload().split("\\|")[0] + "@" + label;
    }

    private static Instant start(LineVersion v, TimeBucket.Unit unit) {
        ZonedDateTime placed = Instant.parse(v.payload().split("\\|")[2]).atZone(ROME);
        return unit == TimeBucket.Unit.DAY ? placed.toLocalDate().atStartOfDay(ROME).toInstant() : placed.truncatedTo(ChronoUnit.HOURS).toInstant();
    }

    /** What the product says of a bucket as known at {@code t}: the last record of its latest coordinate recorded by t; none is 0. */
    private static long productAsOf(List<ProductRecord<String>> records, String key, Instant t) {
        ProductRecord<String> best = null;
        for (ProductRecord<String> r : records) {
            if (r.key().equals(key) && !r.recordedAt().isAfter(t) && (best == null || !r.recordedAt().isBefore(best.recordedAt()))) {
                best = r;
            }
        }
        return best == null ? 0 : Long.parseLong(best.payload().split("\\|")[2]);
    }

    private static void assertOneRecordPerCoordinateUnlessCorrected(long seed, List<ProductRecord<String>> records) {
        Set<String> seen = new LinkedHashSet<>();
        Set<SourcePosition> positions = new LinkedHashSet<>();
        for (ProductRecord<String> r : records) {
            boolean again = !seen.add(r.key() + "@" + r.recordedAt());
            assertThat(r.operation()).as("seed=%d: %s", seed, r).isEqualTo(again ? Operation.CORRECTION : Operation.UPSERT);
            assertThat(positions.add(r.source())).as("seed=%d: every record has a source position of its own: %s", seed, r).isTrue();
        }
    }

    private static void collect(DomainTestDriver driver, Map<String, List<ProductRecord<String>>> published) {
        for (String topic : new String[] {BY_DAY, BY_HOUR}) {
            published.computeIfAbsent(topic, t -> new ArrayList<>()).addAll(driver.<String>readProduct(topic));
        }
    }
}
