package io.datamesh.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.datamesh.schema.compat.PublishedDirectory;
import io.datamesh.schema.compat.SchemaCompatibilityChecker;
import io.datamesh.schema.compat.SchemaGate;
import io.datamesh.schemas.envelope.Operation;
import io.datamesh.schemas.envelope.Sha256;
import io.datamesh.schemas.envelope.SourcePosition;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The published versions under schemas/published, as the platform holds them: every subject a
 * product's value and an envelope, every history BACKWARD_TRANSITIVE, and the shared envelope as this
 * module defines it now able to read every published product, so a change to Operation, SourceKind,
 * SourcePosition or Sha256 that would break a consumer fails here. The subjects are discovered from
 * the folder, nothing counts them. A domain's current schemas meet their published versions in the
 * domain's own build (mesh-domain-parent's gate) and in {@code mesh schema check --jar}.
 */
class PublishedSchemasTest {

    static final PublishedDirectory PUBLISHED = new PublishedDirectory(Path.of("published"));

    static Map<String, List<Schema>> histories() throws IOException {
        Map<String, List<Schema>> out = new TreeMap<>();
        try (Stream<Path> subjects = Files.list(Path.of("published"))) {
            for (Path s : subjects.filter(Files::isDirectory).toList()) {
                String subject = s.getFileName().toString();
                out.put(subject, PUBLISHED.versions(subject));
            }
        }
        return out;
    }

    @Test
    void everyPublishedSubjectIsAProductValueWithItsEnvelope() throws IOException {
        assertThat(histories()).isNotEmpty().allSatisfy((subject, versions) -> {
            assertThat(subject).matches("[a-z][a-z0-9-]*\\.product\\.[a-z][a-z0-9-]*\\.v[1-9][0-9]*-value");
            assertThat(versions).as(subject).isNotEmpty().allSatisfy(v -> assertThat(v.getFields()).extracting(Schema.Field::name)
                    .containsExactly("key", "validFrom", "recordedAt", "operation", "source", "contentHash", "payload"));
        });
    }

    @Test
    void everyPublishedVersionReadsEveryEarlierOne() throws IOException {
        histories().forEach((subject, versions) -> {
            for (int i = 1; i < versions.size(); i++) {
                assertThat(SchemaCompatibilityChecker.check(versions.get(i), versions.subList(0, i), PUBLISHED.level(subject)))
                        .as(subject + " v" + (i + 1)).isEmpty();
            }
        });
    }

    @Test
    void theSharedEnvelopeAsDefinedHereReadsEveryPublishedProduct() throws IOException {
        Map<String, Schema> current = new TreeMap<>();
        histories().forEach((subject, versions) -> current.put(subject, withTodaysEnvelope(versions.get(versions.size() - 1))));
        List<SchemaGate.Verdict> verdicts = SchemaGate.check(current, PUBLISHED);
        assertThat(verdicts).hasSize(current.size())
                .allSatisfy(v -> assertThat(v.status()).as(v.describe()).isEqualTo(SchemaGate.Verdict.Status.OK));
    }

    /** The product's latest published schema with this module's Operation, SourcePosition and Sha256 in it. */
    private static Schema withTodaysEnvelope(Schema published) {
        Map<String, Schema> shared = Map.of("operation", Operation.getClassSchema(), "source", SourcePosition.getClassSchema(),
                "contentHash", Sha256.getClassSchema());
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : published.getFields()) {
            fields.add(new Schema.Field(f, shared.getOrDefault(f.name(), f.schema())));
        }
        return Schema.createRecord(published.getName(), published.getDoc(), published.getNamespace(), false, fields);
    }
}
