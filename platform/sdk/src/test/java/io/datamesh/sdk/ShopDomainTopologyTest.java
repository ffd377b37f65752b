package io.datamesh.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.datamesh.bitemporal.BitemporalView;
import io.datamesh.bitemporal.HistoryOrder;
import io.datamesh.bitemporal.Operation;
import io.datamesh.bitemporal.aggregate.BitemporalAggregates;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.ingest.VerifyProcessor;
import io.datamesh.sdk.record.ContentHash;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's topology for a small domain, record by record, with a fresh driver per test. */
class ShopDomainTopologyTest {

    private static final Instant JUL_08 = Instant.parse("2018-07-08T10:00:00Z");
    private static final Instant JUL_09 = Instant.parse("2018-07-09T12:00:00Z");
    private static final Instant JUL_10 = Instant.parse("2018-07-10T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    private final Domain domain = Domain.of(new ShopDomain());
    private TopologyTestDriver driver;
    private Path stateDir;
    private TestInputTopic<String, String> raw;
    private TestOutputTopic<String, ProductRecord<String>> orders;
    private TestOutputTopic<String, ProductRecord<String>> sold;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void setUp() throws Exception {
        stateDir = Files.createTempDirectory("shop-test-");
        DomainStreams streams = DomainStreams.of(domain); // the topology and wiring the runtime runs
        Properties props = new Properties();
        props.putAll(streams.settings());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(streams.topology(), props);
        raw = driver.createInputTopic("shop.raw.orders", Serdes.String().serializer(), Serdes.String().serializer());
        var format = StringProductFormat.INSTANCE.serde("t");
        orders = driver.createOutputTopic("shop.product.orders.v1", Serdes.String().deserializer(), format.deserializer());
        sold = driver.createOutputTopic("shop.product.pizzas-sold.v1", Serdes.String().deserializer(), format.deserializer());
        dlq = driver.createOutputTopic("shop.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
    void aRawRecordBecomesAnEnvelopedProductRecordRecordedAtTheSourcesTime() {
        SourcePosition position = SourcePosition.cdc("db-1", "mariadb-bin.000003", 4711, 0, null);
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, position);

        ProductRecord<String> r = orders.readValue();
        assertThat(r).isEqualTo(new ProductRecord<>("o1", JUL_08, JUL_08, Operation.UPSERT, position,
                ContentHash.of(StringProductFormat.INSTANCE, "42|2|" + JUL_08 + "|PLACED"), "42|2|" + JUL_08 + "|PLACED"));
        assertThat(orders.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void withoutSourceHeadersTheKafkaTimestampAndOffsetAreUsed() {
        raw.pipeInput(new TestRecord<>("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_09));

        ProductRecord<String> r = orders.readValue();
        assertThat(r.recordedAt()).isEqualTo(JUL_09);
        assertThat(r.source()).isEqualTo(SourcePosition.kafka("shop.raw.orders", 0, 0));
    }

    @Test
    void aReplayedSourcePositionPublishesNothingNew() {
        SourcePosition p1 = SourcePosition.cdc("db-1", "mariadb-bin.000003", 100, 0, null);
        SourcePosition p2 = SourcePosition.cdc("db-1", "mariadb-bin.000003", 200, 0, null);
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, p1);
        send("o2", "o2|42|1|" + JUL_08 + "|PLACED", JUL_08, p2);
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, p1); // connector restarted from an older position
        send("o2", "o2|42|1|" + JUL_08 + "|PLACED", JUL_08, p2);
        SourcePosition bus = SourcePosition.bus("orders-queue", "msg-7");
        send("o3", "o3|7|1|" + JUL_08 + "|PLACED", JUL_09, bus);
        send("o3", "o3|7|1|" + JUL_08 + "|PLACED", JUL_09, bus); // AMQP redelivery

        assertThat(orders.readValuesToList()).extracting(ProductRecord::key).containsExactly("o1", "o2", "o3");
    }

    @Test
    void aRecordTheMappingRejectsGoesToTheDlqWithItsBytesAndReasonAndProcessingGoesOn() {
        raw.pipeInput(new TestRecord<>("bad", "not|enough", JUL_08));
        raw.pipeInput(new TestRecord<>("o9", "o9|42|x|" + JUL_08 + "|PLACED", JUL_08));
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, SourcePosition.kafka("shop.raw.orders", 0, 99));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not|enough");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("map");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
                .isEqualTo("mapping failed: expected 5 fields id|pizzeria|quantity|placedAt|status, got 2");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("shop.raw.orders");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.REASON)).isEqualTo("mapping failed: For input string: \"x\"");
        assertThat(orders.readValuesToList()).extracting(ProductRecord::key).containsExactly("o1");
    }

    @Test
    void aFixedDeadLetterReplayedByAnOperatorGoesThroughOnceEvenBelowTheHighWaterMark() {
        SourcePosition bad = SourcePosition.cdc("db-1", "mariadb-bin.000003", 100, 0, null);
        send("o1", "o1|42|two|" + JUL_08 + "|PLACED", JUL_08, bad);
        send("o2", "o2|42|1|" + JUL_08 + "|PLACED", JUL_08, SourcePosition.cdc("db-1", "mariadb-bin.000003", 200, 0, null));
        assertThat(dlq.readRecordsToList()).hasSize(1);
        assertThat(orders.readValuesToList()).extracting(ProductRecord::key).containsExactly("o2");

        for (int attempt = 0; attempt < 2; attempt++) { // the operator replays the fixed record twice
            RecordHeaders headers = new RecordHeaders();
            SourceHeaders.write(headers, JUL_08, bad);
            headers.add(SourceHeaders.REPLAY_OF, "shop.dlq@0".getBytes(StandardCharsets.UTF_8));
            raw.pipeInput(new TestRecord<>("o1", "o1|42|2|" + JUL_08 + "|PLACED", headers, JUL_09));
        }

        List<ProductRecord<String>> replayed = orders.readValuesToList();
        assertThat(replayed).extracting(ProductRecord::key).containsExactly("o1");
        assertThat(replayed.get(0).source()).isEqualTo(bad);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aProductRecordWhosePayloadChangedAfterIngestionIsRefusedByTheViews() {
        TestInputTopic<String, byte[]> product = driver.createInputTopic("shop.product.orders.v1",
                Serdes.String().serializer(), new ByteArraySerializer());
        ProductRecord<String> forged = new ProductRecord<>("o1", JUL_08, JUL_08, Operation.UPSERT,
                SourcePosition.kafka("x", 0, 1), ContentHash.of(StringProductFormat.INSTANCE, "42|2|" + JUL_08 + "|PLACED"),
                "42|20|" + JUL_08 + "|PLACED");
        product.pipeInput("o1", StringProductFormat.write(forged), JUL_08);

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo(VerifyProcessor.HASH_MISMATCH);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.STAGE)).isEqualTo("verify");
        assertThat(dead.value()).isEqualTo(StringProductFormat.write(forged));
        assertThat(view().history("o1", HistoryOrder.VALID)).isEmpty();
        assertThat(sold.isEmpty()).isTrue();
    }

    @Test
    void unreadableProductBytesGoToTheDlqAsADeserializationFailure() {
        TestInputTopic<String, byte[]> product = driver.createInputTopic("shop.product.orders.v1",
                Serdes.String().serializer(), new ByteArraySerializer());
        product.pipeInput("o1", new byte[] {0, 0, 0, 1}, JUL_08);

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.STAGE)).isEqualTo("deserialize");
        assertThat(dead.value()).containsExactly(0, 0, 0, 1);
    }

    @Test
    void theViewAnswersAsOfAndTheAggregateTellsTheJulyStory() {
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, SourcePosition.kafka("db", 0, 1));
        send("o2", "o2|42|3|" + JUL_08 + "|PLACED", JUL_08, SourcePosition.kafka("db", 0, 2));
        send("o2", "o2|42|3|" + JUL_08 + "|REFUNDED", JUL_10, SourcePosition.kafka("db", 0, 3));

        BitemporalView<ProductRecord<String>> view = view();
        assertThat(view.asOf("o2", JUL_09, JUL_09)).get().extracting(v -> v.value().payload()).isEqualTo("42|3|" + JUL_08 + "|PLACED");
        assertThat(view.asOf("o2", NOW, NOW)).get().extracting(v -> v.value().payload()).isEqualTo("42|3|" + JUL_08 + "|REFUNDED");

        driver.advanceWallClockTime(BitemporalAggregates.PUBLISH_INTERVAL);
        List<ProductRecord<String>> totals = sold.readValuesToList();
        assertThat(totals).extracting(ProductRecord::key).containsOnly("42@2018-07-08");
        // o1 and o2 were recorded together: one record for that time, with their sum.
        assertThat(totals).extracting(ProductRecord::payload).containsExactly("42|2018-07-08|5", "42|2018-07-08|2");
        assertThat(totals).extracting(ProductRecord::recordedAt).containsExactly(JUL_08, JUL_10);
        assertThat(totals.get(0).validFrom()).isEqualTo(Instant.parse("2018-07-07T22:00:00Z")); // midnight in Rome
    }

    @Test
    void twoChangesOfARowInOneSecondAreBothKeptAndTheLaterOneHolds() {
        // A binlog event's timestamp has one-second resolution: both changes share recordedAt and validFrom.
        SourcePosition first = SourcePosition.cdc("db-1", "mariadb-bin.000009", 700, 0, "0-1-41");
        SourcePosition second = SourcePosition.cdc("db-1", "mariadb-bin.000009", 980, 0, "0-1-42");
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, first);
        send("o1", "o1|42|3|" + JUL_08 + "|PLACED", JUL_08, second);
        send("o1", "o1|42|2|" + JUL_08 + "|PLACED", JUL_08, first); // and the connector sends the first again

        assertThat(view().history("o1", HistoryOrder.VALID)).extracting(v -> v.value().source())
                .as("both versions, in source order").containsExactly(first, second);
        assertThat(view().asOf("o1", NOW, NOW)).get().extracting(v -> v.value().payload()).isEqualTo("42|3|" + JUL_08 + "|PLACED");
        driver.advanceWallClockTime(BitemporalAggregates.PUBLISH_INTERVAL);
        assertThat(sold.readValuesToList()).extracting(ProductRecord::payload).containsExactly("42|2018-07-08|3");
    }

    @Test
    void everyProcessorStoreAndTopicHasAStableDeclaredName() {
        Topology topology = DomainStreams.of(domain).topology();
        String description = topology.describe().toString();

        assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(description).contains("shop.raw.orders-source", "orders-v1-ingest", "orders-v1-positions", "orders-v1-sink",
                "shop.product.orders.v1-verify", "orders-by-id-writer", "pizzas-sold-by-day-contributions",
                "pizzas-sold-by-day-by-bucket", "pizzas-sold-by-day-buckets", "pizzas-sold-by-day-publish");
    }

    private BitemporalView<ProductRecord<String>> view() {
        return new BitemporalView<>(driver.getKeyValueStore("orders-by-id"), StringProductFormat.INSTANCE.serde("t"), "t");
    }

    private void send(String key, String value, Instant recordedAt, SourcePosition position) {
        RecordHeaders headers = new RecordHeaders();
        SourceHeaders.write(headers, recordedAt, position);
        raw.pipeInput(new TestRecord<>(key, value, headers, recordedAt));
    }
}
