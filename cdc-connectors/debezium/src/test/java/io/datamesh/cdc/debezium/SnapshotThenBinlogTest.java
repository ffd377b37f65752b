package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.sources.ChangeEvent;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SnapshotThenBinlogTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    private static final String ORDERS = "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, pizzeria_id VARCHAR(20) NOT NULL, "
            + "customer_id VARCHAR(20) NULL, status VARCHAR(20) NOT NULL, placed_at DATETIME(3) NOT NULL, total DECIMAL(10,2) NOT NULL, "
            + "updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), paid TINYINT(1) NOT NULL DEFAULT 0, business_day DATE NULL)";

    @Test
    void rowsBeforeTheStartAreSnapshotReadsAndLaterChangesComeFromTheBinlog() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql(ORDERS,
                "INSERT INTO orders VALUES ('o1', 'napoli-1', 'c1', 'PLACED', '2018-07-08 10:30:00.000', 8.50, '2018-07-08 10:30:00', 1, '2018-07-08')",
                "INSERT INTO orders VALUES ('o2', 'napoli-1', NULL, 'PLACED', '2018-07-08 11:00:00.250', 17.00, '2018-07-08 11:00:00', 0, NULL)");
        CaptureConfig config = f.config("orders");
        String topic = f.domain + ".raw.orders";

        try (Capture capture = Capture.start(config)) {
            List<CaptureFixture.Raw> snapshot = f.read(topic, 2, Duration.ofSeconds(60));
            assertThat(snapshot).extracting(CaptureFixture.Raw::op).containsOnly("r");
            assertThat(snapshot).extracting(CaptureFixture.Raw::position).containsExactlyInAnyOrder(
                    SourcePosition.cdc(config.serverName() + "/snapshot-initial", "", 1, 0, null),
                    SourcePosition.cdc(config.serverName() + "/snapshot-initial", "", 2, 0, null));
            CaptureFixture.Raw o1 = snapshot.stream().filter(r -> r.key().equals("{\"id\":\"o1\"}")).findFirst().orElseThrow();
            assertThat(o1.position().offset()).as("read in primary-key order").isEqualTo(1);
            ChangeEvent.Row row = o1.event().row();
            assertThat(row.text("pizzeria_id")).isEqualTo("napoli-1");
            assertThat(row.time("placed_at")).isEqualTo(Instant.parse("2018-07-08T10:30:00Z"));
            assertThat(row.time("updated_at")).isEqualTo(Instant.parse("2018-07-08T10:30:00Z"));
            assertThat(row.decimal("total", 2)).isEqualTo(new BigDecimal("8.50"));
            assertThat(row.flag("paid", false)).isTrue();
            assertThat(row.text("business_day")).isEqualTo("2018-07-08");
            CaptureFixture.Raw o2 = snapshot.stream().filter(r -> r.key().equals("{\"id\":\"o2\"}")).findFirst().orElseThrow();
            assertThat(o2.event().row().time("placed_at")).isEqualTo(Instant.parse("2018-07-08T11:00:00.250Z"));
            assertThat(o2.event().row().optionalText("customer_id")).isNull();
            assertThat(o2.event().row().flag("paid", true)).isFalse();

            // The July-2018 story: the session's time is what the binlog carries as commit time.
            f.sql("SET TIMESTAMP = UNIX_TIMESTAMP('2018-07-09 09:15:00')",
                    "INSERT INTO orders VALUES ('o3', 'roma-2', 'c9', 'PLACED', '2018-07-09 09:15:00', 25.50, '2018-07-09 09:15:00', 0, '2018-07-09')",
                    "UPDATE orders SET status = 'DELIVERED', total = 9.00 WHERE id = 'o1'",
                    "DELETE FROM orders WHERE id = 'o2'");

            List<CaptureFixture.Raw> all = f.read(topic, 5, Duration.ofSeconds(60));
            List<CaptureFixture.Raw> changes = all.stream().filter(r -> !r.op().equals("r"))
                    .sorted((a, b) -> Long.compare(a.position().offset(), b.position().offset())).toList();
            assertThat(changes).extracting(CaptureFixture.Raw::op).containsExactly("c", "u", "d");
            assertThat(changes).extracting(CaptureFixture.Raw::key)
                    .containsExactly("{\"id\":\"o3\"}", "{\"id\":\"o1\"}", "{\"id\":\"o2\"}");
            assertThat(changes).extracting(CaptureFixture.Raw::recordedAt).containsOnly(Instant.parse("2018-07-09T09:15:00Z"));
            for (CaptureFixture.Raw c : changes) {
                SourcePosition p = c.position();
                assertThat(p.kind()).isEqualTo(SourcePosition.Kind.CDC);
                assertThat(p.source()).isEqualTo(config.serverName());
                assertThat(p.segment()).matches("mariadb-bin\\.[0-9]{6}");
                assertThat(p.offset()).isPositive();
                assertThat(p.row()).isZero();
                assertThat(p.id()).as("the MariaDB GTID").matches("0-1-[0-9]+");
            }
            ChangeEvent.Row o3 = changes.get(0).event().row();
            assertThat(o3.time("placed_at")).as("DATETIME from the binlog").isEqualTo(Instant.parse("2018-07-09T09:15:00Z"));
            assertThat(o3.time("updated_at")).as("TIMESTAMP from the binlog").isEqualTo(Instant.parse("2018-07-09T09:15:00Z"));
            assertThat(o3.text("business_day")).as("DATE from the binlog").isEqualTo("2018-07-09");
            assertThat(o3.decimal("total", 2)).isEqualTo(new BigDecimal("25.50"));
            assertThat(o3.flag("paid", true)).isFalse();
            assertThat(changes.get(1).event().before().text("status")).isEqualTo("PLACED");
            assertThat(changes.get(1).event().row().text("status")).isEqualTo("DELIVERED");
            assertThat(changes.get(1).event().row().decimal("total", 2)).isEqualTo(new BigDecimal("9.00"));
            assertThat(changes.get(2).event().isDelete()).isTrue();
            assertThat(changes.get(2).event().row().text("id")).isEqualTo("o2");

            CaptureFixture.await("status streaming", Duration.ofSeconds(10),
                    () -> capture.status().state() == CaptureStatus.State.STREAMING);
            CaptureStatus status = capture.status();
            assertThat(status.recordsPerTable()).containsEntry("orders", 5L);
            assertThat(status.snapshot().state()).isEqualTo("COMPLETED");
            assertThat(status.snapshot().rowsRead()).isEqualTo(2);
            assertThat(status.position()).isEqualTo(changes.get(2).position());
        }
    }
}
