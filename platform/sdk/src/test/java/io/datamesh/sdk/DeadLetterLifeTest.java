package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.aggregate.Aggregations;
import io.datamesh.bitemporal.aggregate.TimeBucket;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dead letter over its whole life: rejected, redelivered by its source, replayed once, twice, and
 * after more than the replay window of stream time; letters of a consumer domain; records that are
 * not letters at all (a storage failure, a tombstone); and a clock far in the future. A source
 * position is published at most once, whatever path it takes, and nothing is dropped silently.
 */
class DeadLetterLifeTest {

    /** Whether the team's mapping still has its bug: it rejects events mentioning a calzone. */
    private static final AtomicBoolean BUGGY = new AtomicBoolean(true);
    /** Whether the disk under the domain's stores is full. */
    private static final AtomicBoolean DISK_FULL = new AtomicBoolean(false);
    private static final String PRODUCT = "bus.product.events.v1";

    /** Events from the bus as "pizza|stage"; published as they are. */
    static final class Bus implements DomainDefinition {
        @Override
        public String name() {
            return "bus";
        }

        @Override
        public void define(Domain d) {
            Domain.Raw<String> raw = d.raw("events", Serdes.String());
            d.publish("events", 1, StringProductFormat.INSTANCE, raw, (in, out) -> {
                if (DISK_FULL.get()) {
                    throw new ProcessorStateException("Error while putting key to store events-v1-positions",
                            new java.io.IOException("No space left on device"));
                }
                if (BUGGY.get() && in.value().contains("calzone")) {
                    throw new IllegalArgumentException("unknown pizza calzone");
                }
                out.upsert(in.key(), in.recordedAt(), in.value());
            });
        }
    }

    /** Another team's domain, counting the bus's events per day: its letters are about the bus's product. */
    static final class Counter implements DomainDefinition {
        @Override
        public String name() {
            return "counter";
        }

        @Override
        public void define(Domain d) {
            Domain.Consumed<String> events = d.consume(PRODUCT, StringProductFormat.INSTANCE);
            d.aggregate("per-day", events, TimeBucket.Unit.DAY, p -> "all", r -> r.validFrom(), p -> {
                        if (p.contains("burnt")) {
                            throw new IllegalStateException("cannot count a burnt pizza");
                        }
                        return 1L;
                    },
                    Aggregations.sumLong(), "per-day", 1, StringProductFormat.INSTANCE, (b, n) -> b.label() + "|" + n);
        }
    }

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private DomainTestDriver driver;

    @AfterEach
    void close() {
        BUGGY.set(true);
        DISK_FULL.set(false);
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void aBusMessageReplayedAfterEightDaysOfStreamTimeGoesThroughOnce() {
        driver = DomainTestDriver.of(new Bus());
        Instant t0 = now.minus(Duration.ofDays(20));
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", t0, SourcePosition.bus("kitchen", "m1"));
        TestRecord<byte[], byte[]> letter = oneLetter();
        for (int day = 1; day <= 9; day++) { // more than the 7-day window of stream time passes
            driver.pipeRaw("bus.raw.events", "p" + (day + 1), "p" + (day + 1) + "|baked", t0.plus(Duration.ofDays(day)),
                    SourcePosition.bus("kitchen", "m" + (day + 1)));
        }
        assertThat(keys(driver.readProduct(PRODUCT))).hasSize(9);
        BUGGY.set(false); // the team deploys its fix

        driver.replayDeadLetter(letter, 0);
        List<ProductRecord<String>> replayed = driver.readProduct(PRODUCT);
        assertThat(replayed).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("p1");
            assertThat(r.recordedAt()).as("its own recordedAt").isEqualTo(t0);
            assertThat(r.source()).as("its own position").isEqualTo(SourcePosition.bus("kitchen", "m1"));
        });

        driver.replayDeadLetter(letter, 0); // the operator runs the replay again
        for (int day = 10; day <= 19; day++) { // and once more, after another eight days of stream time
            driver.pipeRaw("bus.raw.events", "q" + day, "q" + day + "|baked", t0.plus(Duration.ofDays(day)), SourcePosition.bus("kitchen", "n" + day));
        }
        assertThat(driver.readProduct(PRODUCT)).hasSize(10);
        driver.replayDeadLetter(letter, 0);
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", t0, SourcePosition.bus("kitchen", "m1")); // and the bus redelivers it
        assertThat(driver.readProduct(PRODUCT)).as("m1 is published once").isEmpty();
        assertThat(driver.readDeadLetters()).isEmpty();
    }

    @Test
    void aPoisonRecordRedeliveredByItsSourceIsOneLetterAndItsPositionIsPublishedOnce() {
        driver = DomainTestDriver.of(new Bus());
        SourcePosition binlog = SourcePosition.cdc("db", "mariadb-bin.000001", 400, 0, null);
        SourcePosition message = SourcePosition.bus("kitchen", "m7");
        Instant at = now.minus(Duration.ofHours(1));
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", at, binlog);
        driver.pipeRaw("bus.raw.events", "p2", "p2|calzone", at, message);
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", at, binlog); // the connector restarts from an older position
        driver.pipeRaw("bus.raw.events", "p2", "p2|calzone", at, message); // the bus redelivers
        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).as("one letter per position").hasSize(2);

        BUGGY.set(false);
        for (int attempt = 0; attempt < 2; attempt++) { // every letter, replayed twice
            driver.replayDeadLetter(dead.get(0), 0);
            driver.replayDeadLetter(dead.get(1), 1);
        }
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", at, binlog); // the fixed domain sees the source's copies again
        driver.pipeRaw("bus.raw.events", "p2", "p2|calzone", at, message);
        assertThat(driver.readProduct(PRODUCT)).extracting(r -> r.key() + " " + r.source()).containsExactly("p1 " + binlog, "p2 " + message);
        assertThat(driver.readDeadLetters()).isEmpty();
    }

    @Test
    void aReplayRejectedAgainStaysOpenForTheNextOne() {
        driver = DomainTestDriver.of(new Bus());
        driver.pipeRaw("bus.raw.events", "p1", "p1|calzone", now, SourcePosition.kafka("bus.raw.events", 0, 3));
        TestRecord<byte[], byte[]> first = oneLetter();
        driver.replayDeadLetter(first, 0); // replayed before the fix: rejected again, a new letter
        TestRecord<byte[], byte[]> second = oneLetter();
        BUGGY.set(false);
        driver.replayDeadLetter(second, 1);
        driver.replayDeadLetter(first, 0);
        assertThat(keys(driver.readProduct(PRODUCT))).containsExactly("p1");
    }

    @Test
    void lettersOfAConsumerDomainAreNeverWrittenBackIntoTheProductTheyCameFrom() {
        driver = DomainTestDriver.of(new Counter());
        String payload = "p1|burnt";
        driver.pipeProduct(PRODUCT, List.of(new ProductRecord<>("p1", now, now, Operation.UPSERT, SourcePosition.bus("kitchen", "m1"),
                ContentHash.of(StringProductFormat.INSTANCE, payload), payload)));
        TestRecord<byte[], byte[]> letter = oneLetter();
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_CLASS)).isEqualTo("aggregation-failed");

        assertThatThrownBy(() -> driver.replayDeadLetter(letter, 0))
                .hasMessageContaining("reading " + PRODUCT + ", not a raw input of counter")
                .hasMessageContaining("never writes into a product");
    }

    @Test
    void aStorageFailureFailsTheTaskInsteadOfSkippingTheRecord() {
        driver = DomainTestDriver.of(new Bus());
        DISK_FULL.set(true);
        assertThatThrownBy(() -> driver.pipeRaw("bus.raw.events", "p1", "p1|baked", now, SourcePosition.bus("kitchen", "m1")))
                .isInstanceOf(StreamsException.class).hasRootCauseMessage("No space left on device");
        assertThat(driver.readDeadLetters()).as("not the record's fault: no letter").isEmpty();
    }

    @Test
    void aRecordedAtUpToAnHourAheadOfTheClockIsPublishedAndOneBeyondIsADeadLetter() {
        driver = DomainTestDriver.of(new Bus()); // its clock stands at or after now
        driver.pipeRaw("bus.raw.events", "p1", "p1|baked", now.plus(Duration.ofMinutes(59)), SourcePosition.bus("kitchen", "m1"));
        driver.pipeRaw("bus.raw.events", "p2", "p2|baked", now.plus(Duration.ofMinutes(61)), SourcePosition.bus("kitchen", "m2"));

        assertThat(keys(driver.readProduct(PRODUCT))).containsExactly("p1");
        assertThat(DeadLetters.header(oneLetter().headers(), DeadLetters.REASON_CLASS)).isEqualTo("recorded-at-in-future");
    }

    @Test
    void aRecordedAtFarAheadOfTheClockIsADeadLetterAndCannotMoveTheReplayWindow() {
        driver = DomainTestDriver.of(new Bus());
        Instant at = now.minus(Duration.ofHours(2));
        driver.pipeRaw("bus.raw.events", "p1", "p1|baked", at, SourcePosition.bus("kitchen", "m1"));
        driver.pipeRaw("bus.raw.events", "p2", "p2|baked", Instant.parse("2099-01-01T00:00:00Z"), SourcePosition.bus("kitchen", "m2"));
        TestRecord<byte[], byte[]> letter = oneLetter();
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_CLASS)).isEqualTo("recorded-at-in-future");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON)).contains("recordedAt 2099-01-01T00:00:00Z")
                .contains("ahead of the platform's clock");

        driver.pipeRaw("bus.raw.events", "p1", "p1|baked", at, SourcePosition.bus("kitchen", "m1")); // the bus redelivers m1
        assertThat(keys(driver.readProduct(PRODUCT))).as("m1 once: its id was not forgotten").containsExactly("p1");
    }

    @Test
    void aTombstoneIsSkippedNotADeadLetter() {
        driver = DomainTestDriver.of(new Bus());
        driver.pipeBytes("bus.raw.events", "p1", null, now);
        driver.pipeRaw("bus.raw.events", "p2", "p2|baked", now, SourcePosition.bus("kitchen", "m2"));
        assertThat(driver.readDeadLetters()).isEmpty();
        assertThat(keys(driver.readProduct(PRODUCT))).containsExactly("p2");
    }

    @Test
    void idsAndSourcesThatContainTheGuardsSeparatorAreNotConfused() {
        driver = DomainTestDriver.of(new Bus());
        driver.pipeRaw("bus.raw.events", "p1", "p1|baked", now, SourcePosition.bus("kitchen|eu", "m1"));
        driver.pipeRaw("bus.raw.events", "p2", "p2|baked", now, SourcePosition.bus("kitchen", "eu|m1"));
        driver.pipeRaw("bus.raw.events", "p3", "p3|baked", now, SourcePosition.bus("kitchen%7Ceu", "m1"));
        assertThat(keys(driver.readProduct(PRODUCT))).as("three messages of three queues").containsExactly("p1", "p2", "p3");
    }

    private TestRecord<byte[], byte[]> oneLetter() {
        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).hasSize(1);
        return dead.get(0);
    }

    private static List<String> keys(List<ProductRecord<String>> records) {
        return records.stream().map(ProductRecord::key).toList();
    }
}
