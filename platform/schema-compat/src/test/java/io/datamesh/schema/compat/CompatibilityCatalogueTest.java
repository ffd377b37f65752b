package io.datamesh.schema.compat;

import static io.datamesh.schema.compat.CompatibilityLevel.BACKWARD;
import static io.datamesh.schema.compat.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static io.datamesh.schema.compat.CompatibilityLevel.FORWARD;
import static io.datamesh.schema.compat.CompatibilityLevel.FORWARD_TRANSITIVE;
import static io.datamesh.schema.compat.CompatibilityLevel.FULL;
import static io.datamesh.schema.compat.CompatibilityLevel.FULL_TRANSITIVE;
import static io.datamesh.schema.compat.CompatibilityLevel.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue: changes a feature team makes to a published schema, each refused or accepted
 * under BACKWARD_TRANSITIVE (the default of public subjects), with the field and rule named.
 */
class CompatibilityCatalogueTest {

    static final String BASE = """
            {"type":"record","name":"OrderLine","namespace":"t","fields":[
             {"name":"orderId","type":"string"},
             {"name":"lineNo","type":"int"},
             {"name":"quantity","type":"int"},
             {"name":"price","type":"double"},
             {"name":"weight","type":"float"},
             {"name":"status","type":{"type":"enum","name":"Status","symbols":["PLACED","PAID","REFUNDED"]}},
             {"name":"note","type":["null","string"],"default":null},
             {"name":"tags","type":{"type":"array","items":"string"}},
             {"name":"attrs","type":{"type":"map","values":"int"}},
             {"name":"hash","type":{"type":"fixed","name":"H","size":4}},
             {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"int"}]}},
             {"name":"amount","type":["int","string"]},
             {"name":"label","type":"string"}
            ]}""";

    static Schema base() {
        return parse(BASE);
    }

    static Schema variant(String from, String to) {
        if (!BASE.contains(from)) {
            throw new IllegalArgumentException("not in the base schema: " + from);
        }
        return parse(BASE.replace(from, to));
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    static Stream<Arguments> breakingChanges() {
        return Stream.of(
                Arguments.of("field added without default", variant("{\"name\":\"label\",\"type\":\"string\"}",
                        "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"pizzeria\",\"type\":\"string\"}"), "pizzeria", "added without a default"),
                Arguments.of("field renamed without alias", variant("\"name\":\"quantity\"", "\"name\":\"qty\""), "qty", "renamed without an alias"),
                Arguments.of("int changed to string", variant("{\"name\":\"lineNo\",\"type\":\"int\"}", "{\"name\":\"lineNo\",\"type\":\"string\"}"), "lineNo", "type changed"),
                Arguments.of("double narrowed to float", variant("{\"name\":\"price\",\"type\":\"double\"}", "{\"name\":\"price\",\"type\":\"float\"}"), "price", "type changed"),
                Arguments.of("string changed to int", variant("{\"name\":\"orderId\",\"type\":\"string\"}", "{\"name\":\"orderId\",\"type\":\"int\"}"), "orderId", "type changed"),
                Arguments.of("enum symbol removed", variant("[\"PLACED\",\"PAID\",\"REFUNDED\"]", "[\"PLACED\",\"PAID\"]"), "status (enum Status)", "enum symbols were removed"),
                Arguments.of("enum renamed without alias", variant("\"name\":\"Status\"", "\"name\":\"OrderStatus\""), "status (name of t.OrderStatus)", "renamed without an alias for its old name"),
                Arguments.of("fixed size changed", variant("\"size\":4", "\"size\":8"), "hash (fixed H)", "changed its size"),
                Arguments.of("array items changed", variant("{\"type\":\"array\",\"items\":\"string\"}", "{\"type\":\"array\",\"items\":\"int\"}"), "tags[]", "type changed"),
                Arguments.of("map values changed", variant("{\"type\":\"map\",\"values\":\"int\"}", "{\"type\":\"map\",\"values\":\"string\"}"), "attrs{}", "type changed"),
                Arguments.of("nested field added without default", variant("{\"name\":\"zip\",\"type\":\"int\"}", "{\"name\":\"zip\",\"type\":\"int\"},{\"name\":\"country\",\"type\":\"string\"}"), "address.country", "added without a default"),
                Arguments.of("nested type changed", variant("{\"name\":\"zip\",\"type\":\"int\"}", "{\"name\":\"zip\",\"type\":\"string\"}"), "address.zip", "type changed"),
                Arguments.of("union branch removed", variant("[\"int\",\"string\"]", "[\"int\"]"), "amount", "union branch is missing"),
                Arguments.of("optional field made required", variant("{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}", "{\"name\":\"note\",\"type\":\"string\"}"), "note", "type changed"),
                Arguments.of("record renamed without alias", variant("\"name\":\"OrderLine\"", "\"name\":\"Line\""), "(name of record t.Line)", "renamed without an alias for its old name"),
                Arguments.of("array changed to map", variant("{\"type\":\"array\",\"items\":\"string\"}", "{\"type\":\"map\",\"values\":\"string\"}"), "tags", "type changed"),
                Arguments.of("nested record renamed without alias", variant("\"name\":\"Address\"", "\"name\":\"Location\""), "address (name of t.Location)", "renamed without an alias for its old name"),
                Arguments.of("string changed to long", variant("{\"name\":\"label\",\"type\":\"string\"}", "{\"name\":\"label\",\"type\":\"long\"}"), "label", "type changed"));
    }

    static Stream<Arguments> compatibleChanges() {
        return Stream.of(
                Arguments.of("field added with default", variant("{\"name\":\"label\",\"type\":\"string\"}",
                        "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"pizzeria\",\"type\":\"string\",\"default\":\"unknown\"}")),
                Arguments.of("optional field added", variant("{\"name\":\"label\",\"type\":\"string\"}",
                        "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"coupon\",\"type\":[\"null\",\"string\"],\"default\":null}")),
                Arguments.of("field removed", variant(",\n {\"name\":\"label\",\"type\":\"string\"}", "")),
                Arguments.of("int promoted to long", variant("{\"name\":\"quantity\",\"type\":\"int\"}", "{\"name\":\"quantity\",\"type\":\"long\"}")),
                Arguments.of("float promoted to double", variant("{\"name\":\"weight\",\"type\":\"float\"}", "{\"name\":\"weight\",\"type\":\"double\"}")),
                Arguments.of("int promoted to double", variant("{\"name\":\"lineNo\",\"type\":\"int\"}", "{\"name\":\"lineNo\",\"type\":\"double\"}")),
                Arguments.of("string read as bytes", variant("{\"name\":\"label\",\"type\":\"string\"}", "{\"name\":\"label\",\"type\":\"bytes\"}")),
                Arguments.of("enum symbol added", variant("[\"PLACED\",\"PAID\",\"REFUNDED\"]", "[\"PLACED\",\"PAID\",\"REFUNDED\",\"DELIVERED\"]")),
                Arguments.of("union branch added", variant("[\"int\",\"string\"]", "[\"int\",\"string\",\"long\"]")),
                Arguments.of("required field made optional", variant("{\"name\":\"quantity\",\"type\":\"int\"}", "{\"name\":\"quantity\",\"type\":[\"int\",\"null\"],\"default\":0}")),
                Arguments.of("field renamed with alias", variant("\"name\":\"quantity\"", "\"name\":\"qty\",\"aliases\":[\"quantity\"]")),
                Arguments.of("record renamed with alias", variant("\"name\":\"OrderLine\"", "\"name\":\"Line\",\"aliases\":[\"t.OrderLine\"]")),
                Arguments.of("nested field added with default", variant("{\"name\":\"zip\",\"type\":\"int\"}",
                        "{\"name\":\"zip\",\"type\":\"int\"},{\"name\":\"country\",\"type\":\"string\",\"default\":\"IT\"}")),
                Arguments.of("doc added", variant("\"name\":\"OrderLine\"", "\"name\":\"OrderLine\",\"doc\":\"An order line.\"")));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("breakingChanges")
    void breakingChangesAreRefusedNamingFieldAndRule(String change, Schema proposed, String fieldPath, String rule) {
        List<CompatibilityViolation> violations = SchemaCompatibilityChecker.check(proposed, List.of(base()), BACKWARD_TRANSITIVE);

        assertThat(violations).as(change).isNotEmpty();
        assertThat(violations).anySatisfy(v -> {
            assertThat(v.fieldPath()).isEqualTo(fieldPath);
            assertThat(v.rule()).contains(rule);
            assertThat(v.direction()).isEqualTo("backward");
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.message()).startsWith("field " + fieldPath + ": ");
        });
    }

    @ParameterizedTest(name = "{0} is accepted")
    @MethodSource("compatibleChanges")
    void compatibleChangesAreAccepted(String change, Schema proposed) {
        assertThat(SchemaCompatibilityChecker.check(proposed, List.of(base()), BACKWARD_TRANSITIVE)).as(change).isEmpty();
    }

    @Test
    void aChangeInsideAnOptionalRecordIsNamedDownToTheField() {
        String envelope = "{\"type\":\"record\",\"name\":\"LineRecord\",\"namespace\":\"t\",\"fields\":["
                + "{\"name\":\"key\",\"type\":\"string\"},{\"name\":\"payload\",\"type\":[\"null\",%s],\"default\":null}]}";
        Schema published = parse(String.format(envelope, BASE));
        Schema changed = parse(String.format(envelope, BASE.replace("{\"name\":\"quantity\",\"type\":\"int\"}",
                "{\"name\":\"quantity\",\"type\":\"string\"}")));

        assertThat(SchemaCompatibilityChecker.check(changed, List.of(published), BACKWARD_TRANSITIVE)).singleElement()
                .satisfies(v -> {
                    assertThat(v.fieldPath()).isEqualTo("payload.quantity");
                    assertThat(v.rule()).contains("type changed");
                });
    }

    @Test
    void theCatalogueIsAsLargeAsPromised() {
        assertThat(breakingChanges().count()).isGreaterThanOrEqualTo(15);
        assertThat(compatibleChanges().count()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void transitiveChecksEveryEarlierVersionNotOnlyTheLatest() {
        Schema v1 = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        Schema v2 = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}");
        Schema v3 = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]}");

        assertThat(SchemaCompatibilityChecker.check(v3, List.of(v1, v2), BACKWARD)).isEmpty();
        assertThat(SchemaCompatibilityChecker.check(v3, List.of(v1, v2), BACKWARD_TRANSITIVE))
                .singleElement().satisfies(v -> {
                    assertThat(v.version()).isEqualTo(1);
                    assertThat(v.fieldPath()).isEqualTo("b");
                });
    }

    @Test
    void forwardMeansOldReadersReadNewData() {
        Schema removed = variant(",\n {\"name\":\"label\",\"type\":\"string\"}", "");
        Schema added = variant("{\"name\":\"label\",\"type\":\"string\"}", "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"p\",\"type\":\"string\"}");
        Schema newSymbol = variant("[\"PLACED\",\"PAID\",\"REFUNDED\"]", "[\"PLACED\",\"PAID\",\"REFUNDED\",\"DELIVERED\"]");

        assertThat(SchemaCompatibilityChecker.check(removed, List.of(base()), FORWARD)).singleElement().satisfies(v -> {
            assertThat(v.direction()).isEqualTo("forward");
            assertThat(v.fieldPath()).isEqualTo("label");
            assertThat(v.rule()).contains("a field without a default was removed");
        });
        assertThat(SchemaCompatibilityChecker.check(added, List.of(base()), FORWARD)).isEmpty();
        assertThat(SchemaCompatibilityChecker.check(newSymbol, List.of(base()), FORWARD_TRANSITIVE))
                .singleElement().satisfies(v -> assertThat(v.rule()).contains("enum symbols were added"));
    }

    @Test
    void fullMeansBothDirections() {
        Schema withDefault = variant("{\"name\":\"label\",\"type\":\"string\"}",
                "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"p\",\"type\":\"string\",\"default\":\"\"}");
        Schema withoutDefault = variant("{\"name\":\"label\",\"type\":\"string\"}",
                "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"p\",\"type\":\"string\"}");
        Schema removed = variant(",\n {\"name\":\"label\",\"type\":\"string\"}", "");

        assertThat(SchemaCompatibilityChecker.check(withDefault, List.of(base()), FULL)).isEmpty();
        assertThat(SchemaCompatibilityChecker.check(withoutDefault, List.of(base()), FULL))
                .extracting(CompatibilityViolation::direction).containsExactly("backward");
        assertThat(SchemaCompatibilityChecker.check(removed, List.of(base()), FULL_TRANSITIVE))
                .extracting(CompatibilityViolation::direction).containsExactly("forward");
    }

    @Test
    void noneAcceptsAnythingAndAFirstVersionIsAlwaysCompatible() {
        Schema unrelated = parse("{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
        assertThat(SchemaCompatibilityChecker.check(unrelated, List.of(base()), NONE)).isEmpty();
        assertThat(SchemaCompatibilityChecker.check(unrelated, List.of(), FULL_TRANSITIVE)).isEmpty();
    }

    @Test
    void levelsParseCaseInsensitivelyAndABadOneIsNamed() {
        assertThat(CompatibilityLevel.parse("backward_transitive")).isEqualTo(BACKWARD_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .hasMessageStartingWith("'SIDEWAYS' is not a compatibility level; use one of [NONE, BACKWARD");
    }
}
