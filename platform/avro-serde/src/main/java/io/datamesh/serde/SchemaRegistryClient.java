package io.datamesh.serde;

import java.util.List;

import org.apache.avro.Schema;

/**
 * A Confluent-compatible schema registry, as the serdes and tools need it. Implementations: the
 * REST client (any Confluent-compatible registry, ours included) and an in-memory one for topology
 * tests. Failures are {@link SchemaRegistryException}s with Confluent's error codes.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} under {@code subject}, without registering it (40401/40403 if absent). */
    int idOf(String subject, Schema schema);

    /** The schema with this global id (40403 if unknown). */
    Schema byId(int id);

    /** The latest version of a subject (40401 if unknown). */
    RegisteredSchema latest(String subject);

    /** One version of a subject (40401, 40402). */
    RegisteredSchema version(String subject, int version);

    /** Versions of a subject, oldest first (40401). */
    List<Integer> versions(String subject);

    /** Every subject with a live version. */
    List<String> subjects();

    /**
     * The deploy gate: why {@code schema} must not become the next version of {@code subject}, each reason
     * naming the version, the field and the rule; empty if it may. It holds the new schema against every
     * registered version, in the directions of the subject's level, whatever the level's transitivity: a
     * public product's data is read back from its first version on. A subject whose level does not check
     * backward (NONE, FORWARD, FORWARD_TRANSITIVE) is refused while it has versions. A first version passes.
     */
    List<String> incompatibilities(String subject, Schema schema);

    /** The subject's compatibility level (its own, or the global default). */
    String compatibility(String subject);

    /** Sets a subject's compatibility level. */
    void setCompatibility(String subject, String level);

    /** A subject's schema at a version. */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }
}
