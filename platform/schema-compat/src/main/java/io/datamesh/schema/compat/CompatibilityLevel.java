package io.datamesh.schema.compat;

import java.util.Arrays;
import java.util.Locale;

/**
 * Confluent's compatibility levels. BACKWARD: the new schema reads data written with the previous
 * one (consumers upgrade first). FORWARD: the previous schema reads data written with the new one.
 * FULL: both. {@code _TRANSITIVE}: against every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** Whether the new schema must read old data. */
    public boolean backward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether old schemas must read new data. */
    public boolean forward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether every earlier version counts, not only the latest. */
    public boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /** The same directions against the latest version only: what a check against one given version applies. */
    public CompatibilityLevel nonTransitive() {
        return switch (this) {
            case BACKWARD_TRANSITIVE -> BACKWARD;
            case FORWARD_TRANSITIVE -> FORWARD;
            case FULL_TRANSITIVE -> FULL;
            default -> this;
        };
    }

    /** The same directions against every earlier version. */
    public CompatibilityLevel transitiveForm() {
        return switch (this) {
            case BACKWARD -> BACKWARD_TRANSITIVE;
            case FORWARD -> FORWARD_TRANSITIVE;
            case FULL -> FULL_TRANSITIVE;
            default -> this;
        };
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the valid levels
     */
    public static CompatibilityLevel parse(String value) {
        if (value != null) {
            for (CompatibilityLevel l : values()) {
                if (l.name().equalsIgnoreCase(value.trim())) {
                    return l;
                }
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a compatibility level; use one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT));
    }
}
