package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("domain", "orders");
        m.put("database", "orders");
        m.put("tables", "orders, order_lines");
        m.put("database.user", "orders_cdc");
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        return m;
    }

    @Test
    void aDomainFileBecomesATypedConfigWithTheNamingRulesTopics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.properties");
        Files.writeString(file, """
                # the orders service's database
                domain=orders
                database=orders
                tables=orders,order_lines
                database.host=127.0.0.1
                database.port=3307
                database.user=orders_cdc
                database.password=file:%s
                kafka.bootstrap.servers=127.0.0.1:9092
                topics.partitions=6
                """.formatted(dir.resolve("pw")));
        Files.writeString(dir.resolve("pw"), "s3cret\n");

        CaptureConfig c = CaptureConfig.load(file, Map.of("database.port", "3308"));

        assertThat(c.serverName()).isEqualTo("orders-db");
        assertThat(c.port()).as("an override wins").isEqualTo(3308);
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.topicSettings().partitions()).isEqualTo(6);
        assertThat(c.rawTopics()).containsExactly(
                Map.entry("orders", io.datamesh.topics.TopicNames.raw("orders", "orders")),
                Map.entry("order_lines", io.datamesh.topics.TopicNames.raw("orders", "order-lines")));
        assertThat(c.rawTopic("order_lines").value()).isEqualTo("orders.raw.order-lines");
        assertThat(c.timings().offsetsCommitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.replicaServerId()).as("derived from the server name, stable").isBetween(100_000L, 999_999L)
                .isEqualTo(CaptureConfig.load(file, Map.of()).replicaServerId());
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void aBadKeyIsRefusedByNameWithTheNearestKnownOne() {
        Map<String, String> m = minimal();
        m.put("databse.host", "db");
        assertThatThrownBy(() -> CaptureConfig.from(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value db for configuration databse.host: is not a setting of a capture (did you mean database.host?)");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        Map<String, String> port = minimal();
        port.put("database.port", "three");
        assertThatThrownBy(() -> CaptureConfig.from(port)).hasMessageContaining("database.port");

        Map<String, String> noTables = minimal();
        noTables.remove("tables");
        assertThatThrownBy(() -> CaptureConfig.from(noTables)).hasMessageContaining("\"tables\"");

        Map<String, String> table = minimal();
        table.put("tables", "orders.orders");
        assertThatThrownBy(() -> CaptureConfig.from(table)).hasMessageContaining("tables")
                .hasMessageContaining("a table of the database, without it");

        Map<String, String> domain = minimal();
        domain.put("domain", "Orders");
        assertThatThrownBy(() -> CaptureConfig.from(domain)).hasMessageContaining("configuration domain").hasMessageContaining("not a domain name");

        Map<String, String> clash = minimal();
        clash.put("tables", "order_lines,ORDER_LINES");
        assertThatThrownBy(() -> CaptureConfig.from(clash)).hasMessageContaining("would both go to orders.raw.order-lines");

        Map<String, String> owned = minimal();
        owned.put("debezium.snapshot.mode", "always");
        assertThatThrownBy(() -> CaptureConfig.from(owned)).hasMessageContaining("debezium.snapshot.mode")
                .hasMessageContaining("is set by the capture itself");

        Map<String, String> topics = minimal();
        topics.put("topics.partition", "3");
        assertThatThrownBy(() -> CaptureConfig.from(topics)).hasMessageContaining("topics.partition").hasMessageContaining("is not a topic setting");

        Map<String, String> column = minimal();
        column.put("columns.exclude", "payments.card");
        assertThatThrownBy(() -> CaptureConfig.from(column)).hasMessageContaining("columns.exclude")
                .hasMessageContaining("not of a captured table");

        Map<String, String> env = minimal();
        env.put("database.password", "env:MESH_SURELY_NOT_SET_42");
        assertThatThrownBy(() -> CaptureConfig.from(env)).hasMessageContaining("database.password")
                .hasMessageContaining("MESH_SURELY_NOT_SET_42 is not set");
    }

    @Test
    void debeziumSettingsPassThroughUnlessTheCaptureOwnsThem() {
        Map<String, String> m = minimal();
        m.put("debezium.snapshot.fetch.size", "500");
        assertThat(CaptureConfig.from(m).debeziumOptions()).containsExactly(Map.entry("snapshot.fetch.size", "500"));
    }
}
