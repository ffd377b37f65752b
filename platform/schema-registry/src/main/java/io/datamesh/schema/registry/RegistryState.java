package io.datamesh.schema.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * The registry's content, rebuilt by replaying the {@code _schemas} topic: global schema ids,
 * each subject's versions (soft-deleted ones flagged), and compatibility settings. Not thread-safe:
 * the store guards it.
 */
final class RegistryState {

    /** One version of a subject. */
    record SubjectVersion(String subject, int version, int id, boolean deleted) {
    }

    /** One schema by id. */
    record StoredSchema(int id, String text, Schema parsed) {
    }

    private final Map<Integer, StoredSchema> schemas = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, TreeMap<Integer, SubjectVersion>> subjects = new TreeMap<>();
    private final Map<String, String> levels = new HashMap<>();
    private String globalLevel;
    private int maxId;

    void putSchema(String subject, int version, int id, String text, boolean deleted) {
        Schema parsed = new Schema.Parser().parse(text);
        schemas.putIfAbsent(id, new StoredSchema(id, text, parsed));
        idsByCanonical.putIfAbsent(canonical(parsed), id);
        maxId = Math.max(maxId, id);
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, new SubjectVersion(subject, version, id, deleted));
    }

    void removeVersion(String subject, int version) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.remove(version);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
        }
    }

    void deleteSubject(String subject) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.replaceAll((v, sv) -> new SubjectVersion(subject, v, sv.id(), true));
        }
    }

    void setLevel(String subject, String level) {
        if (subject == null) {
            globalLevel = level;
        } else if (level == null) {
            levels.remove(subject);
        } else {
            levels.put(subject, level);
        }
    }

    Optional<String> globalLevel() {
        return Optional.ofNullable(globalLevel);
    }

    Optional<String> subjectLevel(String subject) {
        return Optional.ofNullable(levels.get(subject));
    }

    Optional<StoredSchema> schema(int id) {
        return Optional.ofNullable(schemas.get(id));
    }

    Optional<Integer> idOf(Schema schema) {
        return Optional.ofNullable(idsByCanonical.get(canonical(schema)));
    }

    int maxId() {
        return maxId;
    }

    /** Versions of a subject, oldest first; soft-deleted ones only if asked. */
    List<SubjectVersion> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        List<SubjectVersion> out = new ArrayList<>();
        if (versions != null) {
            versions.values().stream().filter(v -> includeDeleted || !v.deleted()).forEach(out::add);
        }
        return out;
    }

    /** Highest version number ever given in the subject (deleted or not), 0 if none. */
    int lastVersionNumber(String subject) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream().filter(s -> !versions(s, includeDeleted).isEmpty()).toList();
    }

    /** Every (subject, version) that uses schema {@code id}. */
    List<SubjectVersion> usesOf(int id) {
        List<SubjectVersion> out = new ArrayList<>();
        subjects.values().forEach(m -> m.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(out::add));
        return out;
    }

    static String canonical(Schema schema) {
        return schema.toString();
    }
}
