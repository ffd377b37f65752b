package io.datamesh.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.datamesh.schema.compat.PublishedDirectory;
import io.datamesh.schema.compat.SchemaGate;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The build gate of the demo domains: every public product's current schema must be compatible
 * (BACKWARD_TRANSITIVE) with every version published under schemas/published. A breaking change to
 * a demo schema fails make test here, with field, rule and the way out.
 */
class PublishedSchemasTest {

    static Map<String, Schema> currentProductSchemas() throws Exception {
        Properties index = new Properties();
        try (InputStream in = PublishedSchemasTest.class.getResourceAsStream("/META-INF/mesh/products.properties")) {
            index.load(in);
        }
        Map<String, Schema> current = new TreeMap<>();
        for (String topic : index.stringPropertyNames()) {
            Class<?> cls = Class.forName(index.getProperty(topic));
            current.put(topic + "-value", (Schema) cls.getMethod("getClassSchema").invoke(null));
        }
        return current;
    }

    @Test
    void everyDemoProductIsPublishedAndCompatibleWithItsPublishedVersions() throws Exception {
        Map<String, Schema> current = currentProductSchemas();
        List<SchemaGate.Verdict> verdicts = SchemaGate.check(current, new PublishedDirectory(Path.of("published")));

        // The products are discovered from the index: a product added with its schema is checked, no count to update.
        assertThat(current).isNotEmpty();
        assertThat(verdicts).hasSize(current.size())
                .allSatisfy(v -> assertThat(v.status()).as(v.describe()).isEqualTo(SchemaGate.Verdict.Status.OK));
    }

    @Test
    void everyProductTopicFollowsTheNamingConventionAndItsClassIsItsEnvelope() throws Exception {
        for (Map.Entry<String, Schema> e : currentProductSchemas().entrySet()) {
            assertThat(e.getKey()).matches("[a-z][a-z0-9-]*\\.product\\.[a-z][a-z0-9-]*\\.v[1-9][0-9]*-value");
            assertThat(e.getValue().getFields()).extracting(Schema.Field::name)
                    .containsExactly("key", "validFrom", "recordedAt", "operation", "source", "contentHash", "payload");
        }
    }
}
