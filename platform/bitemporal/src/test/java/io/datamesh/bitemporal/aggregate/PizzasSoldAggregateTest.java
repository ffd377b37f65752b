package io.datamesh.bitemporal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Properties;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.Version;
import io.datamesh.bitemporal.VersionSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pizzas sold per pizzeria per day, bitemporally. Order lines are "pizzeria|quantity|refunded|placedAt";
 * the day is the placement day in Rome.
 */
class PizzasSoldAggregateTest {

    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final String LINES = "orders.product.order-lines.v1";
    private static final String SOLD = "sales.product.pizzas-sold.v1";
    private static final Instant JUL_08_NOON = Instant.parse("2018-07-08T10:00:00Z");
    private static final Instant JUL_08_EVENING = Instant.parse("2018-07-08T19:30:00Z");
    private static final Instant JUL_08_LATE = Instant.parse("2018-07-08T22:30:00Z"); // 00:30 on the 9th in Rome
    private static final Instant JUL_09 = Instant.parse("2018-07-09T12:00:00Z");
    private static final Instant JUL_10 = Instant.parse("2018-07-10T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    private static final AggregateDefinition<String, Long, Long> PIZZAS_SOLD = new AggregateDefinition<>(
            "pizzas-sold-by-day",
            line -> line.split("\\|")[0],
            v -> Instant.parse(v.value().split("\\|")[3]),
            line -> Boolean.parseBoolean(line.split("\\|")[2]) ? null : Long.parseLong(line.split("\\|")[1]),
            TimeBucket.days(ROME),
            Aggregations.sumLong());

    private TopologyTestDriver driver;
    private Path stateDir;
    private TestInputTopic<String, Version<String>> lines;
    private TestOutputTopic<String, Version<Long>> sold;
    private AggregateView<Long> view;

    @BeforeEach
    void setUp() throws Exception {
        VersionSerde<String> lineSerde = new VersionSerde<>(Serdes.String(), LINES);
        VersionSerde<Long> soldSerde = new VersionSerde<>(Serdes.Long(), SOLD);
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Version<String>> versions = builder.stream(LINES, Consumed.with(Serdes.String(), lineSerde).withName("lines-source"));
        BitemporalAggregates.aggregate(builder, versions, PIZZAS_SOLD)
                .mapValues(Publication::version, Named.as("pizzas-sold-version"))
                .to(SOLD, Produced.with(Serdes.String(), soldSerde).withName("pizzas-sold-sink"));
        stateDir = Files.createTempDirectory("aggregate-test-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sales.pizzas-sold");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), props);
        lines = driver.createInputTopic(LINES, Serdes.String().serializer(), lineSerde.serializer());
        sold = driver.createOutputTopic(SOLD, Serdes.String().deserializer(), soldSerde.deserializer());
        view = new AggregateView<>(new BitemporalView<>(driver.getKeyValueStore(PIZZAS_SOLD.viewStore()), Serdes.Long(), SOLD),
                TimeBucket.days(ROME));
    }

    @AfterEach
    void tearDown() throws Exception {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aLateRefundChangesTheCountFromItsRecordedTimeOnAndTheEarlierAnswerStays() {
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON);
        line("l2", JUL_08_NOON, JUL_08_NOON, "42|1|false|" + JUL_08_NOON);
        line("l3", JUL_08_EVENING, JUL_08_EVENING, "42|2|false|" + JUL_08_EVENING);
        line("l4", JUL_08_NOON, JUL_08_NOON, "7|4|false|" + JUL_08_NOON);
        line("l2", JUL_10, JUL_10, "42|1|true|" + JUL_08_NOON); // refund of l2, recorded on the 10th

        assertThat(sold(JUL_09)).as("as known on 2018-07-09").isEqualTo(5);
        assertThat(sold(NOW)).as("as known now").isEqualTo(4);
        assertThat(sold(JUL_09)).as("the earlier answer never changes").isEqualTo(5);
        assertThat(view.bucket("7", JUL_08_NOON, NOW).value()).isEqualTo(4);
        // One record per coordinate: the two noon lines of 42 share their recorded time, and only their sum was ever true then.
        assertThat(published()).containsExactly(
                "42@" + JUL_08_NOON + "=3 UPSERT", "42@" + JUL_08_EVENING + "=5 UPSERT", "42@" + JUL_10 + "=4 UPSERT",
                "7@" + JUL_08_NOON + "=4 UPSERT");
    }

    @Test
    void linesArrivingOutOfRecordedOrderCountAtTheirRecordedTime() {
        // The evening line's partition is processed first, and its bucket published; the noon lines arrive after it.
        line("l3", JUL_08_EVENING, JUL_08_EVENING, "42|2|false|" + JUL_08_EVENING);
        assertThat(published()).containsExactly("42@" + JUL_08_EVENING + "=2 UPSERT");
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON);
        line("l2", JUL_08_NOON, JUL_08_NOON, "42|1|false|" + JUL_08_NOON);
        line("l2", JUL_10, JUL_10, "42|1|true|" + JUL_08_NOON); // the refund, recorded on the 10th

        assertThat(sold(Instant.parse("2018-07-08T12:00:00Z"))).as("as known at noon: the noon lines").isEqualTo(3);
        assertThat(sold(JUL_09)).as("as known on the 9th: everything recorded by then").isEqualTo(5);
        assertThat(sold(NOW)).isEqualTo(4);
        // The late lines re-publish the evening version, corrected, with the same coordinates; once.
        assertThat(published()).containsExactly("42@" + JUL_08_NOON + "=3 UPSERT", "42@" + JUL_08_EVENING + "=5 CORRECTION",
                "42@" + JUL_10 + "=4 UPSERT");
        assertThat(published()).isEmpty();
    }

    @Test
    void aVersionWithTheTimesOfAnEarlierOneTakesItsPlace() {
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON);
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|5|false|" + JUL_08_NOON); // corrected in place
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|5|false|" + JUL_08_NOON); // and replayed

        assertThat(sold(JUL_08_NOON)).isEqualTo(5);
        assertThat(published()).containsExactly("42@" + JUL_08_NOON + "=5 UPSERT");
    }

    @Test
    void theDayIsTheDomainsLocalDay() {
        line("late", JUL_08_LATE, JUL_08_LATE, "42|3|false|" + JUL_08_LATE);

        assertThat(view.bucket("42", JUL_08_LATE, NOW).label()).isEqualTo("2018-07-09");
        assertThat(view.buckets("42", Instant.parse("2018-07-01T00:00:00Z"), Instant.parse("2018-07-31T00:00:00Z"), NOW, 100))
                .extracting(BucketValue::label, BucketValue::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2018-07-09", 3L));
    }

    @Test
    void replaysAndOlderStatesCountNothing() {
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON);
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON); // replay
        line("l1", JUL_09, JUL_09, "42|5|false|" + JUL_08_NOON); // quantity corrected to 5
        line("l1", JUL_08_NOON, JUL_10, "42|1|false|" + JUL_08_NOON); // a late-arriving older state: not the newest valid time

        assertThat(sold(NOW)).isEqualTo(5);
        assertThat(sold(Instant.parse("2018-07-08T23:00:00Z"))).isEqualTo(2);
    }

    @Test
    void aCorrectedPlacementMovesTheContributionBetweenDaysAndADeleteTakesItOut() {
        line("l1", JUL_08_NOON, JUL_08_NOON, "42|2|false|" + JUL_08_NOON);
        line("l1", JUL_09, JUL_09, "42|2|false|" + JUL_09); // it was placed on the 9th after all
        assertThat(view.bucket("42", JUL_08_NOON, NOW).value()).isZero();
        assertThat(view.bucket("42", JUL_09, NOW).value()).isEqualTo(2);

        lines.pipeInput("l1", Version.delete("l1", JUL_10, JUL_10), JUL_10);
        assertThat(view.bucket("42", JUL_09, NOW).value()).isZero();
        assertThat(view.bucket("42", JUL_09, JUL_09).value()).as("as known on the 9th").isEqualTo(2);
        assertThat(view.buckets("42", JUL_08_NOON, JUL_10, NOW, 10)).extracting(BucketValue::value).containsExactly(0L, 0L);
    }

    /** What was published since the last call, after the outbox's interval passed: group@recordedAt=value operation. */
    private java.util.List<String> published() {
        driver.advanceWallClockTime(BucketProcessor.PUBLISH_INTERVAL);
        return sold.readValuesToList().stream()
                .map(v -> BucketKey.parse(v.entity()).group() + "@" + v.recordedAt() + "=" + v.value() + " " + v.operation()).toList();
    }

    private long sold(Instant knownAt) {
        BucketValue<Long> b = view.bucket("42", JUL_08_NOON, knownAt);
        return b == null ? 0 : b.value();
    }

    private void line(String id, Instant validFrom, Instant recordedAt, String line) {
        lines.pipeInput(id, Version.upsert(id, validFrom, recordedAt, line), recordedAt);
    }

}
