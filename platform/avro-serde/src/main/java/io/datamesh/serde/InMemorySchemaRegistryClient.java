package io.datamesh.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.datamesh.schema.compat.CompatibilityLevel;
import io.datamesh.schema.compat.CompatibilityViolation;
import io.datamesh.schema.compat.SchemaCompatibilityChecker;
import io.datamesh.schema.compat.SubjectDefaults;
import org.apache.avro.Schema;

/**
 * A schema registry in memory with the same semantics as the real one: one global id per distinct
 * schema across subjects, versions per subject, compatibility checked on register (BACKWARD by
 * default, BACKWARD_TRANSITIVE for product subjects). For topology tests with {@code TopologyTestDriver};
 * named scopes ({@code mem://<scope>} URLs) let serdes configured from properties share one.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new TreeMap<>();
    private final Map<String, String> levels = new HashMap<>();

    /** The client of a named scope, created on first use. */
    public static InMemorySchemaRegistryClient scope(String name) {
        return SCOPES.computeIfAbsent(name, n -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a scope (call it after a test). */
    public static void dropScope(String name) {
        SCOPES.remove(name);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = canonical(schema);
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        Integer existing = idsBySchema.get(canonical);
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        List<String> problems = violations(subject, schema, CompatibilityLevel.parse(compatibility(subject)));
        if (!problems.isEmpty()) {
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\", details: " + problems);
        }
        int id = existing != null ? existing : schemasById.size() + 1;
        idsBySchema.put(canonical, id);
        schemasById.put(id, schema);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        Integer id = idsBySchema.get(canonical(schema));
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return id;
    }

    @Override
    public synchronized Schema byId(int id) {
        Schema s = schemasById.get(id);
        if (s == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return s;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsOrThrow(subject);
        return version(subject, versions.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> versions = versionsOrThrow(subject);
        if (version < 1 || version > versions.size()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, schemasById.get(id));
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        int n = versionsOrThrow(subject).size();
        List<Integer> out = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            out.add(v);
        }
        return out;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    @Override
    public synchronized List<String> incompatibilities(String subject, Schema schema) {
        CompatibilityLevel level = CompatibilityLevel.parse(compatibility(subject));
        if (!level.backward() && !subjects.getOrDefault(subject, List.of()).isEmpty()) {
            return List.of(RestSchemaRegistryClient.levelRefusal(subject, level));
        }
        return violations(subject, schema, level.transitiveForm());
    }

    /** Why registering {@code schema} under {@code subject} at {@code level} would break it; empty if it would not. */
    private List<String> violations(String subject, Schema schema, CompatibilityLevel level) {
        List<Schema> existing = subjects.getOrDefault(subject, List.of()).stream().map(schemasById::get).toList();
        return SchemaCompatibilityChecker.check(schema, existing, level).stream().map(CompatibilityViolation::message).toList();
    }

    @Override
    public synchronized String compatibility(String subject) {
        return levels.getOrDefault(subject, SubjectDefaults.levelFor(subject).name());
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        levels.put(subject, CompatibilityLevel.parse(level).name());
    }

    private List<Integer> versionsOrThrow(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private static String canonical(Schema schema) {
        return schema.toString();
    }
}
