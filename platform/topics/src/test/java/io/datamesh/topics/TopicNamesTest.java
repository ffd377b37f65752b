package io.datamesh.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

    @Test
    void rawProductAndDlqNamesParseIntoTheirParts() {
        assertThat(TopicNames.parse("orders.raw.orders")).isEqualTo(new TopicName.Raw("orders", "orders"));
        assertThat(TopicNames.parse("kitchen.raw.pizza-events")).isEqualTo(new TopicName.Raw("kitchen", "pizza-events"));
        assertThat(TopicNames.parse("orders.product.order-lines.v1")).isEqualTo(new TopicName.Product("orders", "order-lines", 1));
        assertThat(TopicNames.parse("sales.product.pizzas-sold.v12")).isEqualTo(new TopicName.Product("sales", "pizzas-sold", 12));
        assertThat(TopicNames.parse("inventory.dlq")).isEqualTo(new TopicName.DeadLetters("inventory"));
        assertThat(TopicNames.parse("orders.order-views-orders-by-id-changelog"))
                .isEqualTo(new TopicName.Internal("orders", "order-views-orders-by-id", TopicKind.CHANGELOG));
        assertThat(TopicNames.parse("sales.pizzas-sold-by-day-repartition").kind()).isEqualTo(TopicKind.REPARTITION);
    }

    @Test
    void factoriesBuildTheNamesDesignGives() {
        assertThat(TopicNames.raw("orders", "order-lines").value()).isEqualTo("orders.raw.order-lines");
        assertThat(TopicNames.product("orders", "order-lines", 1).value()).isEqualTo("orders.product.order-lines.v1");
        assertThat(TopicNames.product("orders", "order-lines", 1).nextMajor().value()).isEqualTo("orders.product.order-lines.v2");
        assertThat(TopicNames.deadLetters("kitchen").value()).isEqualTo("kitchen.dlq");
        assertThat(TopicNames.receipts("kitchen").value()).isEqualTo("kitchen.receipts");
        assertThat(TopicNames.parse("kitchen.receipts")).isEqualTo(new TopicName.Receipts("kitchen"));
        assertThat(TopicNames.changelog("orders", "views", "orders-by-id").value()).isEqualTo("orders.views-orders-by-id-changelog");
        assertThat(TopicNames.applicationId("orders", "order-views")).isEqualTo("orders.order-views");
        assertThat(TopicNames.cdcOffsets("orders").value()).isEqualTo("orders.cdc.offsets");
        assertThat(TopicNames.cdcSchemaHistory("orders").kind()).isEqualTo(TopicKind.CDC_SCHEMA_HISTORY);
        assertThat(TopicNames.parse("orders.cdc.signals")).isEqualTo(TopicNames.cdcSignals("orders"));
    }

    @Test
    void aCaptureKeepsItsOffsetsCompactedAndItsSchemaHistoryForeverInOnePartition() {
        TopicSettings settings = TopicSettings.from(java.util.Map.of());
        assertThat(TopicSpec.of(TopicNames.cdcOffsets("orders"), settings).configs()).containsEntry("cleanup.policy", "compact");
        TopicSpec history = TopicSpec.of(TopicNames.cdcSchemaHistory("orders"), settings);
        assertThat(history.partitions()).isEqualTo(1);
        assertThat(history.configs()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1")
                .containsEntry("retention.bytes", "-1");
    }

    @Test
    void receiptsAreCompactedInOnePartitionAndKeptForever() {
        TopicSpec receipts = TopicSpec.of(TopicNames.receipts("kitchen"), TopicSettings.from(java.util.Map.of()));
        assertThat(receipts.partitions()).isEqualTo(1);
        assertThat(receipts.configs()).containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders.raw.orders", "a.raw.b", "k2.raw.x9", "orders.product.orders.v1", "sales.dlq",
            "clickstream.product.sessions.v3", "orders.app-store-changelog", "orders.cdc.offsets", "orders.cdc.schema-history", "kitchen.receipts"})
    void goodNamesAreAcceptedAndRoundTrip(String topic) {
        assertThat(TopicNames.isValid(topic)).isTrue();
        assertThat(TopicNames.parse(topic).value()).isEqualTo(topic);
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @CsvSource(delimiter = '|', value = {
            "Orders.raw.orders            | domain",
            "orders_eu.raw.orders         | domain",
            "-orders.raw.orders           | domain",
            "orders-.raw.orders           | domain",
            "1orders.raw.orders           | domain",
            "orders.raw.Orders            | name",
            "orders.raw.order_lines       | name",
            "orders.raw.                  | name",
            "orders.raw.lines-            | name",
            "orders.product.Lines.v1      | name",
            "orders.product.order-lines   | major_version",
            "orders.product.order-lines.1 | major_version",
            "orders.product.order-lines.v0 | major_version",
            "orders.product.order-lines.v01 | major_version",
            "orders.product.order-lines.vx | major_version",
            "orders.private.orders        | kind",
            "orders.products.lines.v1     | kind",
            "orders.raw.orders.v1         | kind",
            "orders.cdc.positions         | kind",
            "orders                       | shape",
            "orders.raw.a.b.c             | shape",
            "'' | shape",
            "orders.dlq.extra.x.y         | shape",
            "Orders.dlq                   | domain",
    })
    void badNamesAreRefusedWithTheRuleAndAnExample(String topic, String rule) {
        assertThatThrownBy(() -> TopicNames.parse(topic))
                .isInstanceOf(InvalidTopicNameException.class)
                .hasMessageStartingWith("topic '" + topic + "' breaks naming rule " + rule)
                .hasMessageContaining("for example '")
                .satisfies(e -> assertThat(((InvalidTopicNameException) e).rule().name().toLowerCase()).isEqualTo(rule));
        assertThat(TopicNames.isValid(topic)).isFalse();
    }

    @Test
    void aRefusalReadsAsOneSentenceAPersonCanAct() {
        assertThatThrownBy(() -> TopicNames.parse("orders.raw.order_lines"))
                .hasMessage("topic 'orders.raw.order_lines' breaks naming rule name at 'order_lines': a name is 1 to 100"
                        + " lowercase letters, digits and '-', starting with a letter and not ending with '-';"
                        + " for example 'kitchen.raw.pizza-events'");
        assertThatThrownBy(() -> TopicNames.parse("orders.product.order-lines"))
                .hasMessage("topic 'orders.product.order-lines' breaks naming rule major_version: a product topic ends"
                        + " with '.v<major>', a whole number from 1 without leading zeros; for example 'orders.product.orders.v1'");
    }

    @Test
    void overlongNamesAreRefused() {
        String topic = "orders.raw." + "a".repeat(240);
        assertThatThrownBy(() -> TopicNames.parse(topic))
                .isInstanceOf(InvalidTopicNameException.class)
                .hasMessageContaining("breaks naming rule length");
    }

    @Test
    void factoriesRefuseBadPartsToo() {
        assertThatThrownBy(() -> TopicNames.product("orders", "lines", 0))
                .hasMessageStartingWith("topic 'orders.product.lines.v0' breaks naming rule major_version");
        assertThatThrownBy(() -> TopicNames.raw("Orders", "x"))
                .hasMessageStartingWith("topic 'Orders.raw.x' breaks naming rule domain");
        assertThatThrownBy(() -> TopicNames.applicationId("orders", "Views"))
                .hasMessageStartingWith("topic 'orders.Views' breaks naming rule name");
    }
}
