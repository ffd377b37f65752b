package io.datamesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datamesh.bridge.BridgeConfig.BodyFormat;
import io.datamesh.bridge.BridgeConfig.Feed;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static Map<String, Object> kitchen() {
        Map<String, Object> m = new HashMap<>();
        m.put("domain", "kitchen");
        m.put("raws", "pizza-events");
        m.put("raw.pizza-events.routing.keys", "pizza.#");
        m.put("raw.pizza-events.key.field", "pizza_id");
        return m;
    }

    @Test
    void theKitchensShippedConfigFeedsItsPizzaEventsFromItsExchange() {
        BridgeConfig c = BridgeConfig.fromResource("bridges/kitchen.properties");

        assertThat(c.domain()).isEqualTo("kitchen");
        assertThat(c.feeds()).containsExactly(new Feed("kitchen", "pizza-events", "kitchen", List.of("pizza.#"), "pizza_id", BodyFormat.JSON));
        assertThat(c.feeds().get(0).topic().value()).isEqualTo("kitchen.raw.pizza-events");
        assertThat(c.feeds().get(0).queue()).isEqualTo("mesh.kitchen.pizza-events");
        assertThat(c.deadLetterTopic().value()).isEqualTo("kitchen.dlq");
        assertThat(c.deadLetterExchange()).isEqualTo("mesh.kitchen.dlx");
        assertThat(c.deliveryLimit()).isEqualTo(5);
        assertThat(c.prefetch()).isEqualTo(500);
    }

    @Test
    void theExchangeDefaultsToTheDomainAndSeveralRawTopicsEachHaveTheirOptions() {
        Map<String, Object> m = kitchen();
        m.put("raws", "pizza-events,oven-readings");
        m.put("raw.oven-readings.exchange", "ovens");
        m.put("raw.oven-readings.routing.keys", "oven.*.temperature, oven.#.alarm");
        m.put("raw.oven-readings.key.field", "oven_id");
        m.put("delivery.limit", "3");

        BridgeConfig c = BridgeConfig.from(m);

        assertThat(c.feeds()).extracting(Feed::exchange).containsExactly("kitchen", "ovens");
        assertThat(c.feeds().get(1).routingKeys()).containsExactly("oven.*.temperature", "oven.#.alarm");
        assertThat(c.deliveryLimit()).isEqualTo(3);
    }

    @Test
    void aMissingKeyFieldIsNamedWithItsPrefix() {
        Map<String, Object> m = kitchen();
        m.remove("raw.pizza-events.key.field");
        assertThatThrownBy(() -> BridgeConfig.from(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("raw.pizza-events.key.field");
    }

    @Test
    void anUnknownKeyOrOptionOrRawIsRefusedByName() {
        Map<String, Object> typo = kitchen();
        typo.put("prefech", "10");
        assertThatThrownBy(() -> BridgeConfig.from(typo)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prefech").hasMessageContaining("unknown key");

        Map<String, Object> option = kitchen();
        option.put("raw.pizza-events.keyfield", "pizza_id");
        assertThatThrownBy(() -> BridgeConfig.from(option)).hasMessageContaining("raw.pizza-events.keyfield")
                .hasMessageContaining("key.field");

        Map<String, Object> raw = kitchen();
        raw.put("raw.pizza-event.key.field", "pizza_id");
        assertThatThrownBy(() -> BridgeConfig.from(raw)).hasMessageContaining("raw.pizza-event.key.field")
                .hasMessageContaining("not listed in raws");
    }

    @Test
    void badValuesAreRefusedWithTheKeyAndTheRule() {
        Map<String, Object> domain = kitchen();
        domain.put("domain", "Kitchen");
        assertThatThrownBy(() -> BridgeConfig.from(domain)).hasMessageContaining("domain").hasMessageContaining("lowercase");

        Map<String, Object> rawName = kitchen();
        rawName.put("raws", "pizza_events");
        assertThatThrownBy(() -> BridgeConfig.from(rawName)).hasMessageContaining("raws").hasMessageContaining("pizza_events");

        Map<String, Object> dlx = kitchen();
        dlx.put("raws", "dlx");
        dlx.put("raw.dlx.key.field", "id");
        assertThatThrownBy(() -> BridgeConfig.from(dlx)).hasMessageContaining("mesh.kitchen.dlx");

        Map<String, Object> pattern = kitchen();
        pattern.put("raw.pizza-events.routing.keys", "pizza..ordered");
        assertThatThrownBy(() -> BridgeConfig.from(pattern)).hasMessageContaining("raw.pizza-events.routing.keys")
                .hasMessageContaining("pizza..ordered");

        Map<String, Object> exchange = kitchen();
        exchange.put("raw.pizza-events.exchange", "amq.topic");
        assertThatThrownBy(() -> BridgeConfig.from(exchange)).hasMessageContaining("raw.pizza-events.exchange");

        Map<String, Object> format = kitchen();
        format.put("raw.pizza-events.format", "xml");
        assertThatThrownBy(() -> BridgeConfig.from(format)).hasMessageContaining("raw.pizza-events.format");

        Map<String, Object> prefetch = kitchen();
        prefetch.put("prefetch", "0");
        assertThatThrownBy(() -> BridgeConfig.from(prefetch)).hasMessageContaining("prefetch");
    }
}
