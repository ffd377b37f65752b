package io.datamesh.schema.compat;

/**
 * One way a proposed schema breaks compatibility with an earlier version.
 *
 * @param version the earlier version it breaks with (1-based position in the history)
 * @param direction {@code backward} (the new schema cannot read old data) or {@code forward}
 *                  (readers on the old schema cannot read new data)
 * @param fieldPath where, e.g. {@code payload.quantity} or {@code payload.status (enum)}
 * @param rule the rule broken, in words a person can act on
 * @param detail Avro's own message
 */
public record CompatibilityViolation(int version, String direction, String fieldPath, String rule, String detail) {

    /** One line: {@code field payload.quantity: <rule> (backward, against version 1; <detail>)}. */
    public String message() {
        return "field " + fieldPath + ": " + rule + " (" + direction + ", against version " + version + "; " + detail + ")";
    }

    /** The same break, numbered as the registry numbers the version it breaks with. */
    public CompatibilityViolation atVersion(int registryVersion) {
        return new CompatibilityViolation(registryVersion, direction, fieldPath, rule, detail);
    }

    @Override
    public String toString() {
        return message();
    }
}
