package io.datamesh.serde;

import java.util.ArrayList;
import java.util.List;

import io.datamesh.schema.compat.CompatibilityLevel;
import io.datamesh.schema.compat.PublishedSchemas;
import org.apache.avro.Schema;

/** Published versions as a Confluent-compatible registry holds them, at each subject's configured level. */
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

    @Override
    public CompatibilityLevel level(String subject) {
        return CompatibilityLevel.parse(client.compatibility(subject));
    }
}
