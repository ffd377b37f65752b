package io.datamesh.schema.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaGateTest {

    @TempDir
    Path published;

    static final String V1 = "{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"int\"}]}";

    @Test
    void aBreakOfAPublishedProductNamesFieldRuleAndTheNextMajorVersion() throws Exception {
        Files.createDirectories(published.resolve("orders.product.lines.v1-value"));
        Files.writeString(published.resolve("orders.product.lines.v1-value/v1.avsc"), V1);
        Schema changed = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"string\"}]}");
        Schema compatible = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"long\"}]}");

        List<SchemaGate.Verdict> verdicts = SchemaGate.check(Map.of("orders.product.lines.v1-value", changed,
                "orders.product.new-things.v1-value", compatible), new PublishedDirectory(published));

        assertThat(SchemaGate.broken(verdicts)).isTrue();
        assertThat(verdicts).extracting(SchemaGate.Verdict::status)
                .containsExactly(SchemaGate.Verdict.Status.BROKEN, SchemaGate.Verdict.Status.NEW);
        assertThat(verdicts.get(0).describe()).isEqualTo("""
                BROKEN  orders.product.lines.v1-value: 1 break with its published versions
                  field qty: the type changed to one the new schema cannot read from data written with the old schema \
                (allowed: int→long→float→double, string↔bytes, adding union branches) (backward, against version 1; \
                reader type: STRING not compatible with writer type: INT)
                  way out: keep the change compatible (add fields with defaults, keep old fields and symbols), or publish it \
                as a new major version: topic orders.product.lines.v2 (subject orders.product.lines.v2-value), and keep \
                orders.product.lines.v1 running until its consumers have moved""");
        assertThat(SchemaGate.check(Map.of("orders.product.lines.v1-value", compatible), new PublishedDirectory(published)))
                .singleElement().satisfies(v -> assertThat(v.describe()).isEqualTo(
                        "ok      orders.product.lines.v1-value (compatible with 1 published version)"));
    }
}
