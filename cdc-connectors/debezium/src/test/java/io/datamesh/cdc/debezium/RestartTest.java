package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestartTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    @Test
    void aRestartResumesFromTheStoredOffsetWithoutGapOrSecondSnapshot() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
                "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        CaptureConfig config = f.config("items");
        String topic = f.domain + ".raw.items";

        try (Capture capture = Capture.start(config)) {
            f.read(topic, 2, Duration.ofSeconds(60));
            f.sql("INSERT INTO items VALUES (3, 'three')", "UPDATE items SET name = 'uno' WHERE id = 1");
            f.read(topic, 4, Duration.ofSeconds(60));
            CaptureFixture.await("offset stored", Duration.ofSeconds(10), () -> !Capture.stored(config).snapshotUnfinished());
        }
        StoredOffset stored = Capture.stored(config);
        assertThat(stored.present()).isTrue();
        assertThat(stored.binlogFile()).matches("mariadb-bin\\.[0-9]{6}");
        assertThat(stored.gtids()).matches("0-1-[0-9]+");
        assertThat(stored.epoch()).isZero();
        assertThat(stored.historyRecords()).isPositive();
        // Changes while the capture is down are in the binlog, and only there.
        f.sql("INSERT INTO items VALUES (4, 'four')", "DELETE FROM items WHERE id = 2", "UPDATE items SET name = 'tre' WHERE id = 3");

        try (Capture capture = Capture.start(config)) {
            List<CaptureFixture.Raw> all = f.read(topic, 7, Duration.ofSeconds(60));
            f.sql("INSERT INTO items VALUES (5, 'five')");
            all = f.read(topic, 8, Duration.ofSeconds(60));

            List<CaptureFixture.Raw> distinct = CaptureFixture.deduplicated(all);
            assertThat(distinct.stream().filter(r -> r.op().equals("r")).toList())
                    .as("no second snapshot").hasSize(2);
            assertThat(distinct.stream().filter(r -> !r.op().equals("r")).map(r -> r.op() + r.key()).toList())
                    .as("every change once, none lost while the capture was down")
                    .containsExactlyInAnyOrder("c{\"id\":3}", "u{\"id\":1}", "c{\"id\":4}", "d{\"id\":2}", "u{\"id\":3}", "c{\"id\":5}");
            assertThat(CaptureFixture.streams(distinct)).containsExactly(config.serverName(), config.serverName() + "/snapshot-initial");
        }
    }

    @Test
    void twoUpdatesOfOneRowInOneSecondKeepTheirOrderInTheirPositions() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE stock (sku VARCHAR(10) PRIMARY KEY, qty INT NOT NULL)");
        CaptureConfig config = f.config("stock");
        String topic = f.domain + ".raw.stock";

        try (Capture capture = Capture.start(config)) {
            CaptureFixture.await("streaming", Duration.ofSeconds(30), () -> capture.status().state() == CaptureStatus.State.STREAMING);
            f.sql("SET TIMESTAMP = UNIX_TIMESTAMP('2018-07-08 19:00:00')",
                    "INSERT INTO stock VALUES ('mozz', 10)",
                    "UPDATE stock SET qty = 9 WHERE sku = 'mozz'",
                    "UPDATE stock SET qty = 8 WHERE sku = 'mozz'",
                    "START TRANSACTION",
                    "UPDATE stock SET qty = 7 WHERE sku = 'mozz'",
                    "UPDATE stock SET qty = 6 WHERE sku = 'mozz'",
                    "COMMIT");

            List<CaptureFixture.Raw> records = f.read(topic, 5, Duration.ofSeconds(60));

            assertThat(records).extracting(CaptureFixture.Raw::partition).as("one row, one partition").containsOnly(records.get(0).partition());
            assertThat(records).extracting(CaptureFixture.Raw::recordedAt).containsOnly(Instant.parse("2018-07-08T19:00:00Z"));
            assertThat(records).extracting(r -> r.event().row().integer("qty")).as("in the order they were made").containsExactly(10, 9, 8, 7, 6);
            for (int i = 1; i < records.size(); i++) {
                SourcePosition earlier = records.get(i - 1).position();
                SourcePosition later = records.get(i).position();
                assertThat(later.isAfter(earlier)).as("%s after %s", later, earlier).isTrue();
            }
            assertThat(records.get(3).position().id()).as("one transaction, one GTID").isEqualTo(records.get(4).position().id());
            assertThat(records.get(2).position().id()).isNotEqualTo(records.get(3).position().id());
        }
    }
}
