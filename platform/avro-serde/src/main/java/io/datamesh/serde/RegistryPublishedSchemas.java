package io.datamesh.serde;

import java.util.ArrayList;
import java.util.List;

import io.datamesh.schema.compat.CompatibilityLevel;
import io.datamesh.schema.compat.PublishedSchemas;
import org.apache.avro.Schema;

/**
 * Published versions as a Confluent-compatible registry holds them, checked against every version in the
 * directions of each subject's level: what the deploy gate ({@link SchemaRegistryClient#incompatibilities}) asks.
 */
public final class RegistryPublishedSchemas implements PublishedSchemas {

    private final SchemaRegistryClient client;

    public RegistryPublishedSchemas(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public List<Schema> versions(String subject) {
        List<Integer> numbers;
        try {
            numbers = client.versions(subject);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        List<Schema> out = new ArrayList<>();
        numbers.forEach(v -> out.add(client.version(subject, v).schema()));
        return out;
    }

    /**
     * The subject's level in its transitive form, so that a product at BACKWARD (Confluent's default for a
     * subject nobody configured) is held against every published version, as the deploy gate holds it.
     *
     * @throws IllegalStateException for a level that does not check backward, which the deploy gate refuses
     */
    @Override
    public CompatibilityLevel level(String subject) {
        CompatibilityLevel level = CompatibilityLevel.parse(client.compatibility(subject));
        if (!level.backward()) {
            throw new IllegalStateException(RestSchemaRegistryClient.levelRefusal(subject, level));
        }
        return level.transitiveForm();
    }
}
