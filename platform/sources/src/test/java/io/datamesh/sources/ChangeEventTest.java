package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** Debezium change events read in one pass: rows, typed columns, and errors that name what is wrong. */
class ChangeEventTest {

    private static final String ROW = "{\"id\":\"o1\",\"line_no\":2,\"price\":\"8.50\",\"amount\":8.5,\"placed_at\":\"2018-07-08T10:00:00Z\","
            + "\"paid_at\":1531044000000,\"refunded\":false,\"flag_int\":1,\"flag_text\":\"true\",\"note\":null,\"empty\":\"\","
            + "\"doc\":{\"a\":[1,2]},\"tags\":[\"x\",\"y\"]}";

    private final Deserializer<ChangeEvent> deserializer = ChangeEvent.serde().deserializer();

    private ChangeEvent read(String json) {
        return deserializer.deserialize("t", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCreateHasItsAfterRowAndTypedColumns() {
        ChangeEvent e = read("{\"op\":\"c\",\"before\":null,\"after\":" + ROW + ",\"source\":{\"file\":\"bin.1\",\"pos\":[4]},\"ts_ms\":1}");
        assertThat(e.op()).isEqualTo("c");
        assertThat(e.isDelete()).isFalse();
        assertThat(e.before()).isNull();
        ChangeEvent.Row row = e.row();
        assertThat(row.text("id")).isEqualTo("o1");
        assertThat(row.integer("line_no")).isEqualTo(2);
        assertThat(row.text("line_no")).isEqualTo("2");
        assertThat(row.decimal("price", 2)).isEqualTo(new BigDecimal("8.50"));
        assertThat(row.decimal("amount", 2)).isEqualTo(new BigDecimal("8.50"));
        assertThat(row.time("placed_at")).isEqualTo(Instant.parse("2018-07-08T10:00:00Z"));
        assertThat(row.time("paid_at")).isEqualTo(Instant.ofEpochMilli(1531044000000L));
        assertThat(row.flag("refunded", true)).isFalse();
        assertThat(row.flag("flag_int", false)).isTrue();
        assertThat(row.flag("flag_text", false)).isTrue();
        assertThat(row.flag("note", true)).isTrue();
        assertThat(row.flag("absent", false)).isFalse();
        assertThat(row.has("note")).isFalse();
        assertThat(row.has("absent")).isFalse();
        assertThat(row.has("empty")).isTrue();
        assertThat(row.optionalText("note")).isNull();
        assertThat(row.optionalText("absent")).isNull();
        assertThat(row.text("note", "fallback")).isEqualTo("fallback");
        assertThat(row.text("id", "fallback")).isEqualTo("o1");
        assertThat(row.text("doc")).isEqualTo("{\"a\":[1,2]}");
        assertThat(row.text("tags")).isEqualTo("[\"x\",\"y\"]");
    }

    @Test
    void aDeleteIsAboutItsBeforeRow() {
        ChangeEvent e = read("{\"op\":\"d\",\"before\":{\"id\":\"o1\"},\"after\":null}");
        assertThat(e.isDelete()).isTrue();
        assertThat(e.after()).isNull();
        assertThat(e.row().text("id")).isEqualTo("o1");
    }

    @Test
    void anEventInsideAPayloadWithItsSchemaIsRead() {
        ChangeEvent e = read("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"op\"}]},"
                + "\"payload\":{\"before\":null,\"after\":{\"id\":\"o9\"},\"op\":\"r\"}}");
        assertThat(e.op()).isEqualTo("r");
        assertThat(e.row().text("id")).isEqualTo("o9");
    }

    @Test
    void aRepeatedColumnCountsWithItsLastValueAsInATree() {
        assertThat(read("{\"op\":\"u\",\"after\":{\"id\":\"a\",\"id\":\"b\"}}").row().text("id")).isEqualTo("b");
    }

    @Test
    void aWrongOpOrAMissingRowIsNamedWhenTheMappingAsks() {
        assertThatThrownBy(() -> read("{\"op\":\"x\",\"after\":{}}").row())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("change event op must be c, u, r or d, was 'x'");
        assertThatThrownBy(() -> read("{\"after\":{}}").op())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("change event op must be c, u, r or d, was ''");
        assertThatThrownBy(() -> read("{\"op\":{\"c\":1},\"after\":{}}").op()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("{\"op\":\"c\",\"after\":null}").row())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("change event with op 'c' has no after row");
        assertThatThrownBy(() -> read("{\"op\":\"d\",\"after\":{\"id\":1}}").row())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("change event with op 'd' has no before row");
    }

    @Test
    void aMissingOrMalformedColumnIsNamedWithWhatWasThere() {
        ChangeEvent.Row row = read("{\"op\":\"c\",\"after\":" + ROW + "}").row();
        assertThatThrownBy(() -> row.text("absent")).hasMessage("column absent is missing");
        assertThatThrownBy(() -> row.text("note")).hasMessage("column note is missing");
        assertThatThrownBy(() -> row.text("empty")).hasMessage("column empty is missing");
        assertThatThrownBy(() -> row.integer("price")).hasMessage("column price must be a whole number, was '8.50'");
        assertThatThrownBy(() -> row.decimal("amount", 0)).hasMessage("column amount must be an amount with at most 0 decimals, was '8.5'");
        assertThatThrownBy(() -> row.decimal("id", 2)).hasMessage("column id must be an amount with at most 2 decimals, was 'o1'");
        assertThatThrownBy(() -> row.time("id")).hasMessage("column id must be an ISO-8601 instant or epoch milliseconds, was 'o1'");
        assertThatThrownBy(() -> row.flag("id", false)).hasMessage("column id must be true, false, 1 or 0, was 'o1'");
        assertThat(row.toString()).startsWith("{id=o1, line_no=2,");
    }

    @Test
    void bytesThatAreNotAJsonObjectFailToDeserializeWithTheReason() {
        assertThatThrownBy(() -> read("{not json")).isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("record of t is not JSON: ");
        assertThatThrownBy(() -> read("")).isInstanceOf(SerializationException.class).hasMessage("record of t is empty, not JSON");
        assertThatThrownBy(() -> read("[1,2]")).isInstanceOf(SerializationException.class).hasMessage("record of t is not a JSON object: [");
        assertThatThrownBy(() -> read("{\"op\":\"c\"} {}")).isInstanceOf(SerializationException.class)
                .hasMessage("record of t has content after its JSON object");
        assertThatThrownBy(() -> read("{\"op\":\"c\",\"after\":{\"id\":\"o1\"")).isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("record of t is not JSON: ");
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void anEventIsWrittenAsTheBytesItWasReadFrom() {
        String json = "{\"op\":\"c\", \"after\":{\"id\":\"o1\"}}";
        ChangeEvent e = ChangeEvent.parse(json);
        assertThat(ChangeEvent.serde().serializer().serialize("t", e)).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.toString()).isEqualTo(json);
        assertThatThrownBy(() -> ChangeEvent.parse("{")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON: ");
    }
}
