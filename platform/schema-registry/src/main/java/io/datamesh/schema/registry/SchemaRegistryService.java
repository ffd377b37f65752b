package io.datamesh.schema.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamesh.schema.compat.CompatibilityLevel;
import io.datamesh.schema.compat.SchemaCompatibilityChecker;
import io.datamesh.schema.compat.SubjectDefaults;
import io.datamesh.schema.registry.KafkaSchemaStore.Write;
import io.datamesh.schema.registry.RegistryState.SubjectVersion;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Confluent's Schema Registry semantics over the Kafka-backed store: what each endpoint answers,
 * and with which error code when it cannot. Plain class, testable without HTTP.
 */
public final class SchemaRegistryService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaSchemaStore store;

    SchemaRegistryService(KafkaSchemaStore store) {
        this.store = store;
    }

    List<String> schemaTypes() {
        return List.of("AVRO");
    }

    Map<String, Object> schemaById(String id) {
        return Map.of("schema", stored(id).text());
    }

    String rawSchemaById(String id) {
        return stored(id).text();
    }

    List<Map<String, Object>> versionsOfId(String id) {
        int n = stored(id).id();
        return store.read(s -> s.usesOf(n).stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", v.subject());
            m.put("version", v.version());
            return m;
        }).toList());
    }

    List<String> subjectsOfId(String id) {
        int n = stored(id).id();
        return store.read(s -> s.usesOf(n).stream().map(SubjectVersion::subject).distinct().toList());
    }

    List<String> subjects(boolean deleted) {
        return store.read(s -> s.subjects(deleted));
    }

    List<Integer> versions(String subject, boolean deleted) {
        return store.read(s -> {
            List<SubjectVersion> versions = s.versions(subject, deleted);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            return versions.stream().map(SubjectVersion::version).toList();
        });
    }

    Map<String, Object> version(String subject, String version, boolean deleted) {
        int v = parseVersion(version);
        return store.read(s -> describe(s, find(s, subject, v, version, deleted)));
    }

    String rawVersionSchema(String subject, String version, boolean deleted) {
        int v = parseVersion(version);
        return store.read(s -> s.schema(find(s, subject, v, version, deleted).id()).orElseThrow().text());
    }

    Map<String, Object> register(String subject, String body) {
        Schema schema = parseSchema(body);
        String text = schema.toString();
        return store.write(s -> {
            List<SubjectVersion> live = s.versions(subject, false);
            Integer existing = s.idOf(schema).orElse(null);
            if (existing != null && live.stream().anyMatch(v -> v.id() == existing)) {
                return new Write<>(List.of(), Map.of("id", existing));
            }
            List<String> problems = violations(s, subject, schema, live);
            if (!problems.isEmpty()) {
                throw new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                        + subject + "\", details: " + problems + ". " + SchemaCompatibilityChecker.WAY_OUT);
            }
            int id = existing != null ? existing : s.maxId() + 1;
            int version = s.lastVersionNumber(subject) + 1;
            return new Write<>(List.of(KafkaSchemaStore.schemaRecord(store.topic(), subject, version, id, text, false)), Map.of("id", id));
        });
    }

    Map<String, Object> lookup(String subject, String body, boolean deleted) {
        Schema schema = parseSchema(body);
        return store.read(s -> {
            List<SubjectVersion> versions = s.versions(subject, deleted);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            Integer id = s.idOf(schema).orElse(null);
            SubjectVersion match = versions.stream().filter(v -> id != null && v.id() == id).reduce((a, b) -> b).orElse(null);
            if (match == null) {
                throw RegistryException.schemaNotFound("Schema not found");
            }
            return describe(s, match);
        });
    }

    /**
     * Confluent's compatibility check. With a {@code version} ("latest", -1 or a number): against that one
     * live version, in the directions of the subject's level. Without one ({@code null}): against the
     * versions the level calls for, as registering does: every live version for a _TRANSITIVE level, else
     * the latest. A subject without versions is compatible, except against a numbered version (40401).
     */
    Map<String, Object> compatibility(String subject, String version, String body, boolean verbose) {
        Schema schema = parseSchema(body);
        Integer v = version == null ? null : parseVersion(version);
        return store.read(s -> {
            List<SubjectVersion> live = s.versions(subject, false);
            List<String> problems;
            if (v == null || (v == -1 && live.isEmpty())) {
                problems = violations(s, subject, schema, live);
            } else {
                SubjectVersion against = find(s, subject, v, version, false);
                problems = violations(s, schema, List.of(against), CompatibilityLevel.parse(level(s, subject)).nonTransitive());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("is_compatible", problems.isEmpty());
            if (verbose) {
                out.put("messages", problems);
            }
            return out;
        });
    }

    List<Integer> deleteSubject(String subject, boolean permanent) {
        return store.write(s -> {
            List<SubjectVersion> all = s.versions(subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            List<SubjectVersion> live = s.versions(subject, false);
            List<Integer> numbers = all.stream().map(SubjectVersion::version).toList();
            if (!permanent) {
                if (live.isEmpty()) {
                    throw new RegistryException(404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
                }
                return new Write<>(List.of(KafkaSchemaStore.deleteSubjectRecord(store.topic(), subject, s.lastVersionNumber(subject))),
                        live.stream().map(SubjectVersion::version).toList());
            }
            if (!live.isEmpty()) {
                throw new RegistryException(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            numbers.forEach(n -> records.add(KafkaSchemaStore.schemaTombstone(store.topic(), subject, n)));
            return new Write<>(records, numbers);
        });
    }

    int deleteVersion(String subject, String version, boolean permanent) {
        int v = parseVersion(version);
        return store.write(s -> {
            SubjectVersion target = find(s, subject, v, version, true);
            if (!permanent) {
                if (target.deleted()) {
                    throw new RegistryException(404, 40406, "Version " + target.version() + " of subject '" + subject
                            + "' was soft deleted. Set permanent=true to delete permanently");
                }
                String text = s.schema(target.id()).orElseThrow().text();
                return new Write<>(List.of(KafkaSchemaStore.schemaRecord(store.topic(), subject, target.version(), target.id(), text, true)),
                        target.version());
            }
            if (!target.deleted()) {
                throw new RegistryException(404, 40407, "Version " + target.version() + " of subject '" + subject
                        + "' was not deleted first before being permanently deleted");
            }
            return new Write<>(List.of(KafkaSchemaStore.schemaTombstone(store.topic(), subject, target.version())), target.version());
        });
    }

    Map<String, Object> globalConfig() {
        return store.read(s -> Map.of("compatibilityLevel", s.globalLevel().orElse(CompatibilityLevel.BACKWARD.name())));
    }

    Map<String, Object> setConfig(String subject, String body) {
        JsonNode json = parseJson(body);
        String requested = json.path("compatibility").asText(json.path("compatibilityLevel").asText(null));
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(requested);
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibility(requested);
        }
        return store.write(s -> new Write<>(List.of(KafkaSchemaStore.configRecord(store.topic(), subject, level.name())),
                Map.of("compatibility", level.name())));
    }

    Map<String, Object> subjectConfig(String subject, boolean defaultToGlobal) {
        return store.read(s -> {
            String own = s.subjectLevel(subject).orElse(null);
            if (own == null && SubjectDefaults.levelFor(subject) == CompatibilityLevel.BACKWARD_TRANSITIVE) {
                own = CompatibilityLevel.BACKWARD_TRANSITIVE.name(); // the platform's level for public products
            }
            if (own == null && !defaultToGlobal) {
                throw new RegistryException(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            return Map.of("compatibilityLevel", own != null ? own : s.globalLevel().orElse(CompatibilityLevel.BACKWARD.name()));
        });
    }

    Map<String, Object> deleteSubjectConfig(String subject) {
        return store.write(s -> {
            String own = s.subjectLevel(subject).orElseThrow(() -> new RegistryException(404, 40408,
                    "Subject '" + subject + "' does not have subject-level compatibility configured"));
            return new Write<>(List.of(KafkaSchemaStore.configRecord(store.topic(), subject, null)), Map.of("compatibilityLevel", own));
        });
    }

    private static List<String> violations(RegistryState s, String subject, Schema schema, List<SubjectVersion> live) {
        return violations(s, schema, live, CompatibilityLevel.parse(level(s, subject)));
    }

    /** Every break as field and rule, naming the version by its number in the subject, not its place in {@code against}. */
    private static List<String> violations(RegistryState s, Schema schema, List<SubjectVersion> against, CompatibilityLevel level) {
        List<Schema> existing = against.stream().map(v -> s.schema(v.id()).orElseThrow().parsed()).toList();
        return SchemaCompatibilityChecker.check(schema, existing, level).stream()
                .map(x -> x.atVersion(against.get(x.version() - 1).version()).message()).toList();
    }

    private static String level(RegistryState s, String subject) {
        return s.subjectLevel(subject).orElseGet(() -> SubjectDefaults.levelFor(subject) == CompatibilityLevel.BACKWARD_TRANSITIVE
                ? CompatibilityLevel.BACKWARD_TRANSITIVE.name() : s.globalLevel().orElse(CompatibilityLevel.BACKWARD.name()));
    }

    private Map<String, Object> describe(RegistryState s, SubjectVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", v.subject());
        out.put("version", v.version());
        out.put("id", v.id());
        out.put("schema", s.schema(v.id()).orElseThrow().text());
        return out;
    }

    private static SubjectVersion find(RegistryState s, String subject, int v, String asked, boolean deleted) {
        List<SubjectVersion> versions = s.versions(subject, deleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (v == -1) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(x -> x.version() == v).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(subject, asked));
    }

    private RegistryState.StoredSchema stored(String id) {
        int n;
        try {
            n = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("Schema " + id + " not found");
        }
        return store.read(s -> s.schema(n).orElseThrow(() -> RegistryException.schemaNotFound("Schema " + n + " not found")));
    }

    /** "latest" and -1 mean the latest version (-1 returned); otherwise 1..2^31-1. */
    static int parseVersion(String version) {
        if (version.equals("latest") || version.equals("-1")) {
            return -1;
        }
        try {
            int v = Integer.parseInt(version);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw RegistryException.invalidVersion(version);
    }

    static Schema parseSchema(String body) {
        JsonNode json = parseJson(body);
        JsonNode type = json.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
            throw new RegistryException(422, 42201, "Invalid schema: schemaType '" + type.asText() + "' is not supported; this registry holds AVRO");
        }
        JsonNode schema = json.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryException.invalidSchema("the body needs a field \"schema\" holding the schema as a JSON string, e.g."
                    + " {\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}");
        }
        try {
            return new Schema.Parser().setValidateDefaults(true).parse(schema.asText());
        } catch (SchemaParseException | org.apache.avro.AvroTypeException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }

    static JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            throw RegistryException.invalidSchema("empty request body; send a JSON object");
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw RegistryException.invalidSchema("the request body must be a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new RegistryException(422, 42201, "Invalid JSON in request body: " + e.getOriginalMessage());
        }
    }
}
