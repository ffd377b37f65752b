package io.datamesh.schema.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Checks a proposed schema against the earlier versions of a subject at a compatibility level, with
 * Avro's own checker ({@link SchemaCompatibility}), and reports each break as field path and rule.
 */
public final class SchemaCompatibilityChecker {

    /** What to do about a break, for messages shown to the owning team. */
    public static final String WAY_OUT = "a public schema only changes in backward-compatible ways; to change it"
            + " incompatibly, publish a new major version: a new topic <domain>.product.<name>.v<N+1> with its own subject";

    private SchemaCompatibilityChecker() {
    }

    /**
     * @param proposed the new schema
     * @param existingOldestFirst the subject's versions, oldest first (empty: anything goes)
     * @return every violation; empty when compatible
     */
    public static List<CompatibilityViolation> check(Schema proposed, List<Schema> existingOldestFirst, CompatibilityLevel level) {
        Objects.requireNonNull(proposed, "proposed");
        Objects.requireNonNull(level, "level");
        List<CompatibilityViolation> out = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existingOldestFirst.isEmpty()) {
            return out;
        }
        int first = level.transitive() ? 0 : existingOldestFirst.size() - 1;
        for (int i = first; i < existingOldestFirst.size(); i++) {
            Schema old = existingOldestFirst.get(i);
            if (level.backward()) {
                collect(proposed, old, i + 1, "backward", out);
            }
            if (level.forward()) {
                collect(old, proposed, i + 1, "forward", out);
            }
        }
        return out;
    }

    private static void collect(Schema reader, Schema writer, int version, String direction, List<CompatibilityViolation> out) {
        collect(reader, writer, version, direction, "", out);
    }

    private static void collect(Schema reader, Schema writer, int version, String direction, String prefix,
                                List<CompatibilityViolation> out) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            String path = FieldPaths.of(reader, i.getLocation());
            String full = prefix.isEmpty() ? path : path.startsWith("(") ? prefix : prefix + "." + path;
            Schema sameNamed = sameNamedBranch(i);
            if (sameNamed != null) {
                // A changed record inside a union (e.g. an optional payload): Avro only says the branch is
                // missing; look inside the two versions of that record to name the field that changed.
                int before = out.size();
                collect(sameNamed, writerBranch(i), version, direction, full, out);
                if (out.size() > before) {
                    continue;
                }
            }
            out.add(new CompatibilityViolation(version, direction, full, rule(i, direction), i.getMessage()));
        }
    }

    /** The writer's branch a missing-union-branch incompatibility is about (its location ends with the branch index). */
    private static Schema writerBranch(Incompatibility i) {
        Schema writer = i.getWriterFragment();
        if (writer == null || writer.getType() != Schema.Type.UNION) {
            return writer;
        }
        String location = i.getLocation();
        String last = location == null ? "" : location.substring(location.lastIndexOf('/') + 1);
        if (!last.matches("\\d+")) {
            return null;
        }
        int index = Integer.parseInt(last);
        return index < writer.getTypes().size() ? writer.getTypes().get(index) : null;
    }

    /** For a missing union branch: the reader's branch of the same name as the writer's, if any. */
    private static Schema sameNamedBranch(Incompatibility i) {
        if (i.getType() != SchemaCompatibility.SchemaIncompatibilityType.MISSING_UNION_BRANCH) {
            return null;
        }
        Schema union = i.getReaderFragment();
        Schema writer = writerBranch(i);
        if (union == null || writer == null || union.getType() != Schema.Type.UNION
                || !(writer.getType() == Schema.Type.RECORD || writer.getType() == Schema.Type.ENUM || writer.getType() == Schema.Type.FIXED)) {
            return null;
        }
        for (Schema branch : union.getTypes()) {
            if (branch.getType() == writer.getType() && (branch.getFullName().equals(writer.getFullName())
                    || branch.getAliases().contains(writer.getFullName()))) {
                return branch;
            }
        }
        return null;
    }

    private static String rule(Incompatibility i, String direction) {
        boolean backward = direction.equals("backward");
        String readers = backward ? "the new schema" : "readers on the old schema";
        String data = backward ? "data written with the old schema" : "data written with the new schema";
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> backward
                    ? "a field was added without a default, or renamed without an alias: " + data + " has no value for it"
                    : "a field without a default was removed, or renamed without an alias: " + readers + " need a value for it";
            case TYPE_MISMATCH -> "the type changed to one " + readers + " cannot read from " + data
                    + " (allowed: int→long→float→double, string↔bytes, adding union branches)";
            case MISSING_ENUM_SYMBOLS -> backward
                    ? "enum symbols were removed that " + data + " may hold (keep them, or give the enum a default)"
                    : "enum symbols were added that " + readers + " do not know (give the enum a default first)";
            case MISSING_UNION_BRANCH -> "a union branch is missing that " + data + " may use";
            case NAME_MISMATCH -> "a named type was renamed without an alias for its old name";
            case FIXED_SIZE_MISMATCH -> "a fixed type changed its size";

        };
    }
}
