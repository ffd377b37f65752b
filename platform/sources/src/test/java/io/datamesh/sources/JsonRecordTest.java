package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Bus messages and clicks read with the same getters as a change event's row, each error naming the field and what was there. */
class JsonRecordTest {

    private final JsonRecord m = JsonRecord.parse("{\"pizza_id\":\"p1\",\"quantity\":2,\"qty_text\":\"3\",\"price\":\"8.50\",\"at\":\"2018-07-08T10:30:00Z\","
            + "\"at_ms\":1531045800000,\"hot\":true,\"cold\":\"0\",\"note\":null,\"nested\":{\"a\":1},\"bad\":\"x\"}");

    @Test
    void gettersReadTheUsualForms() {
        assertThat(m.text("pizza_id")).isEqualTo("p1");
        assertThat(m.optionalText("note")).isNull();
        assertThat(m.text("missing", "kg")).isEqualTo("kg");
        assertThat(m.text("nested")).isEqualTo("{\"a\":1}");
        assertThat(m.integer("quantity")).isEqualTo(2);
        assertThat(m.integer("qty_text")).isEqualTo(3);
        assertThat(m.integer("missing", 1)).isEqualTo(1);
        assertThat(m.decimal("price", 2)).isEqualTo(new BigDecimal("8.50"));
        assertThat(m.time("at")).isEqualTo(Instant.parse("2018-07-08T10:30:00Z"));
        assertThat(m.time("at_ms")).isEqualTo(Instant.parse("2018-07-08T10:30:00Z"));
        assertThat(m.flag("hot", false)).isTrue();
        assertThat(m.flag("cold", true)).isFalse();
        assertThat(m.flag("note", true)).isTrue();
        assertThat(m.has("note")).isFalse();
        assertThat(m.has("pizza_id")).isTrue();
    }

    @Test
    void errorsNameTheFieldAndWhatWasThere() {
        assertThatThrownBy(() -> m.text("order_id")).hasMessage("field order_id is missing");
        assertThatThrownBy(() -> m.integer("bad")).hasMessage("field bad must be a whole number, was 'x'");
        assertThatThrownBy(() -> m.decimal("price", 0)).hasMessage("field price must be an amount with at most 0 decimals, was '8.50'");
        assertThatThrownBy(() -> m.time("bad")).hasMessage("field bad must be an ISO-8601 instant or epoch milliseconds, was 'x'");
        assertThatThrownBy(() -> m.flag("bad", false)).hasMessage("field bad must be true, false, 1 or 0, was 'x'");
    }

    @Test
    void bytesThatAreNotAJsonObjectAreRefusedWithTheReason() {
        var in = JsonSerde.record().deserializer();
        assertThatThrownBy(() -> in.deserialize("kitchen.raw.pizza-events", "[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessage("record of kitchen.raw.pizza-events is JSON but not an object: ARRAY");
        assertThatThrownBy(() -> in.deserialize("kitchen.raw.pizza-events", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("record of kitchen.raw.pizza-events is not JSON");
    }
}
