package io.datamesh.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build gate of a domain's module: its products against their published versions. */
class CheckPublishedTest {

    static final String TOPIC = "delivery.product.deliveries.v1";
    static final Schema V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "Delivery", "namespace": "com.example.delivery", "fields": [
              {"name": "deliveryId", "type": "string"}]}""");

    @TempDir
    Path dir;

    Path manifest(Schema value) throws IOException {
        Path m = dir.resolve("domain.json");
        Files.writeString(m, new ObjectMapper().writeValueAsString(Map.of("domain", "delivery",
                "outputs", java.util.List.of(Map.of("topic", TOPIC, "valueSchema", value.toString())))));
        return m;
    }

    Path published(Schema... versions) throws IOException {
        Path subject = Files.createDirectories(dir.resolve("published").resolve(TOPIC + "-value"));
        for (int i = 0; i < versions.length; i++) {
            Files.writeString(subject.resolve("v" + (i + 1) + ".avsc"), versions[i].toString(true));
        }
        return dir.resolve("published");
    }

    @Test
    void theSameSchemaACompatibleChangeAndANewProductPass() throws IOException {
        assertThat(CheckPublished.check(manifest(V1), published(V1)))
                .containsExactly("mesh: schemas of domain delivery against " + dir.resolve("published"),
                        "  same    " + TOPIC + "-value (v1 is current)");
        Schema v2 = new Schema.Parser().parse(V1.toString().replace("}]", "},{\"name\":\"tip\",\"type\":\"int\",\"default\":0}]"));
        assertThat(CheckPublished.check(manifest(v2), dir.resolve("published"))).last().isEqualTo(
                "  ok      " + TOPIC + "-value (compatible with 1 published version); mesh schema publish records it as v2");
        assertThat(CheckPublished.check(manifest(V1), Files.createDirectories(dir.resolve("empty")))).last()
                .isEqualTo("  new     " + TOPIC + "-value (no published version yet; publish it to start its history)");
    }

    @Test
    void aBreakFailsTheBuildWithFieldRuleAndWayOut() throws IOException {
        Schema broken = new Schema.Parser().parse(V1.toString().replace("\"string\"", "\"int\""));
        assertThatThrownBy(() -> CheckPublished.check(manifest(broken), published(V1)))
                .hasMessageContaining("BROKEN  " + TOPIC + "-value: 1 break with its published versions")
                .hasMessageContaining("field deliveryId: the type changed")
                .hasMessageContaining("topic delivery.product.deliveries.v2")
                .hasMessageEndingWith("mesh: a published schema would break its consumers");
    }

    @Test
    void withoutAPublishedFolderTheGateIsTheRegistrysAtDeploy() throws IOException {
        assertThat(CheckPublished.check(manifest(V1), dir.resolve("nowhere"))).containsExactly("mesh: no published schemas at "
                + dir.resolve("nowhere") + ": domain delivery's products are checked against the registry when it is deployed");
    }
}
