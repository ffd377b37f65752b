package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.datamesh.kafka.embedded.EmbeddedKafkaExtension;
import io.datamesh.mariadb.embedded.EmbeddedMariaDbExtension;
import io.datamesh.sources.ChangeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaChangeTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.perJvm();
    @RegisterExtension
    static final EmbeddedMariaDbExtension MARIADB = EmbeddedMariaDbExtension.perJvm();

    @Test
    void alterTableWhileStreamingKeepsTheCaptureRunningAndEachRowInItsShape() {
        CaptureFixture f = new CaptureFixture(MARIADB.server(), KAFKA.bootstrapServers(), MARIADB.database()).withCaptureUser();
        f.sql("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, status VARCHAR(10) NOT NULL, qty SMALLINT NOT NULL)",
                "INSERT INTO orders VALUES ('o1', 'PLACED', 1)");
        String topic = f.domain + ".raw.orders";
        try (Capture capture = Capture.start(f.config("orders"))) {
            f.read(topic, 1, Duration.ofSeconds(60));

            f.sql("ALTER TABLE orders ADD COLUMN note VARCHAR(40) NULL",
                    "INSERT INTO orders VALUES ('o2', 'PLACED', 2, 'extra cheese')",
                    "ALTER TABLE orders MODIFY status VARCHAR(40) NOT NULL, MODIFY qty BIGINT NOT NULL",
                    "INSERT INTO orders VALUES ('o3', 'WAITING_FOR_THE_OVEN_TO_HEAT', 9000000000, NULL)",
                    "ALTER TABLE orders RENAME COLUMN note TO remark",
                    "UPDATE orders SET remark = 'no basil' WHERE id = 'o1'");

            List<CaptureFixture.Raw> all = f.read(topic, 4, Duration.ofSeconds(60));
            List<ChangeEvent> changes = all.stream().filter(r -> !r.op().equals("r"))
                    .sorted(Comparator.comparing(r -> r.position().offset())).map(CaptureFixture.Raw::event).toList();
            assertThat(changes).hasSize(3);
            assertThat(changes.get(0).row().text("note")).isEqualTo("extra cheese");
            assertThat(changes.get(1).row().text("status")).as("widened").isEqualTo("WAITING_FOR_THE_OVEN_TO_HEAT");
            assertThat(changes.get(1).row().text("qty")).isEqualTo("9000000000");
            assertThat(changes.get(2).row().text("remark")).as("renamed").isEqualTo("no basil");
            assertThat(changes.get(2).row().has("note")).isFalse();
            assertThat(changes.get(2).before().optionalText("remark")).isNull();
            assertThat(capture.status().state()).isEqualTo(CaptureStatus.State.STREAMING);
            assertThat(capture.status().error()).isNull();
        }
    }
}
