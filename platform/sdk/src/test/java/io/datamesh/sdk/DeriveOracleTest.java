package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

/**
 * Derived products against a brute-force model: sessions summarized from clicks, with many clicks
 * of a session in the same millisecond (equal valid and recorded times), exact replays, arrival in a
 * random order, and poison clicks that the derivation rejects until its team fixes it, delivered
 * again after the fix. For every click the model computes the session's summary from the clicks
 * recorded by the click's recordedAt, and the product must hold exactly that at the click's
 * coordinate: one record per coordinate unless a correction says so, nothing else, nothing lost.
 * The seed of each history is printed; {@code -Doracle.seed=N} replays one.
 */
class DeriveOracleTest {

    private static final String CLICKS = "web.product.clicks.v1";
    private static final String SESSIONS = "visits.product.sessions.v1";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    /** Whether the team's derivation still has its bug: it throws on a poison click. */
    private static final AtomicBoolean BUGGY = new AtomicBoolean();

    /**
     * A consumer domain summarizing sessions. Clicks are "session|page|poison"; a session's summary,
     * valid from each click, is "n=<clicks>|pages=<distinct pages>|last=<latest click in valid order>".
     */
    static final class Visits implements DomainDefinition {
        @Override
        public String name() {
            return "visits";
        }

        @Override
        public void define(Domain d) {
            Domain.Consumed<String> clicks = d.consume(CLICKS, StringProductFormat.INSTANCE);
            d.derive("sessions", 1, StringProductFormat.INSTANCE, clicks, r -> r.payload().split("\\|")[0], (click, history, out) -> {
                if (BUGGY.get() && click.payload().endsWith("|poison")) {
                    throw new IllegalStateException("the summary cannot read click " + click.key());
                }
                out.upsert(click.payload().split("\\|")[0], click.validFrom(), summary(history.stream().map(ProductRecord::key).toList(),
                        history.stream().map(r -> r.payload().split("\\|")[1]).toList()));
            });
        }
    }

    static String summary(List<String> clicksInValidOrder, List<String> pages) {
        return "n=" + clicksInValidOrder.size() + "|pages=" + new TreeSet<>(pages) + "|last=" + clicksInValidOrder.get(clicksInValidOrder.size() - 1);
    }

    record Click(String id, String session, String page, boolean poison, Instant at, Instant recordedAt) {

        ProductRecord<String> record() {
            String payload = session + "|" + page + "|" + (poison ? "poison" : "ok");
            return new ProductRecord<>(id, at, recordedAt, Operation.UPSERT, SourcePosition.click("collector", id),
                    ContentHash.of(StringProductFormat.INSTANCE, payload), payload);
        }

        /** The model's valid order: at, recordedAt, then the click's id (its source position's order). */
        static final Comparator<Click> VALID_ORDER = Comparator.comparing(Click::at).thenComparing(Click::recordedAt).thenComparing(Click::id);
    }

    @Test
    void everyClickYieldsTheSummaryOfWhatWasRecordedByItsTimeWhateverTheArrivalOrder() {
        String fixed = System.getProperty("oracle.seed");
        int rounds = fixed != null ? 1 : Integer.getInteger("oracle.rounds", 80);
        long first = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        try {
            for (int round = 0; round < rounds; round++) {
                long seed = first + round;
                System.out.println("DeriveOracleTest seed=" + seed);
                check(seed);
            }
        } finally {
            BUGGY.set(false);
        }
    }

    private void check(long seed) {
        Random random = new Random(seed);
        List<Click> clicks = new ArrayList<>();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            // Three instants for both times: clicks of a session share their millisecond often.
            clicks.add(new Click(String.format("c%03d", i), "s" + random.nextInt(3), "p" + random.nextInt(3), random.nextInt(8) == 0,
                    T0.plus(Duration.ofMillis(random.nextInt(3))), T0.plus(Duration.ofMillis(random.nextInt(3)))));
        }
        List<Click> arrivals = new ArrayList<>(clicks);
        clicks.stream().filter(c -> random.nextInt(3) == 0).forEach(arrivals::add); // redeliveries
        Collections.shuffle(arrivals, random);
        List<ProductRecord<String>> published = new ArrayList<>();
        try (DomainTestDriver driver = DomainTestDriver.of(new Visits())) {
            BUGGY.set(true);
            for (Click c : arrivals) {
                driver.pipeProduct(CLICKS, List.of(c.record()));
            }
            long poisonArrivals = arrivals.stream().filter(Click::poison).count();
            var letters = driver.readDeadLetters();
            assertThat(letters).as("seed=%d: each delivery of a poison click is a dead letter, nothing else", seed).hasSize((int) poisonArrivals);
            letters.forEach(l -> assertThat(DeadLetters.header(l.headers(), DeadLetters.REASON_CLASS)).isEqualTo("derivation-failed"));
            published.addAll(driver.readProduct(SESSIONS));

            BUGGY.set(false); // the team fixes the derivation; the poison clicks come again (and everything once more)
            List<Click> again = new ArrayList<>(clicks.stream().filter(Click::poison).toList());
            if (random.nextBoolean()) {
                again.addAll(clicks);
            }
            Collections.shuffle(again, random);
            again.forEach(c -> driver.pipeProduct(CLICKS, List.of(c.record())));
            assertThat(driver.readDeadLetters()).as("seed=%d", seed).isEmpty();
            published.addAll(driver.readProduct(SESSIONS));
        }

        Map<String, String> expected = new LinkedHashMap<>();
        for (Click c : clicks) {
            List<Click> known = clicks.stream().filter(x -> x.session().equals(c.session()) && !x.recordedAt().isAfter(c.recordedAt()))
                    .sorted(Click.VALID_ORDER).toList();
            expected.put(coordinate(c.session(), c.at(), c.recordedAt()),
                    summary(known.stream().map(Click::id).toList(), known.stream().map(Click::page).toList()));
        }
        Map<String, String> actual = new LinkedHashMap<>();
        Map<String, Integer> records = new LinkedHashMap<>();
        for (ProductRecord<String> r : published) {
            String at = coordinate(r.key(), r.validFrom(), r.recordedAt());
            int count = records.merge(at, 1, Integer::sum);
            assertThat(r.operation()).as("seed=%d: record %d at %s", seed, count, at).isEqualTo(count == 1 ? Operation.UPSERT : Operation.CORRECTION);
            actual.put(at, r.payload());
        }
        assertThat(actual).as("seed=%d: clicks %s arriving %s", seed, clicks,
                arrivals.stream().map(Click::id).collect(Collectors.joining(","))).isEqualTo(expected);
    }

    private static String coordinate(String session, Instant validFrom, Instant recordedAt) {
        return session + "@" + validFrom + "/" + recordedAt;
    }
}
