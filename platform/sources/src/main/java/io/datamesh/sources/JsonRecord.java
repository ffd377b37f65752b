package io.datamesh.sources;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A raw JSON record that is an object — a bus message, a click — with the same typed getters as a
 * change event's row ({@link ChangeEvent.Row}): each names the field and what was there when the
 * value is missing or of the wrong kind, so a bad record reaches the DLQ with a reason a person can
 * act on. {@link JsonSerde#record()} reads them; {@link #node()} is the whole tree, for anything else.
 */
public final class JsonRecord {

    private final ObjectNode node;

    public JsonRecord(ObjectNode node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    /** The JSON object in {@code json}, e.g. for a test; anything else is refused with the reason. */
    public static JsonRecord parse(String json) {
        return JsonSerde.record().deserializer().deserialize("json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The record as Jackson's tree. */
    public ObjectNode node() {
        return node;
    }

    /** Whether the field is there and not null. */
    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** The field as text (a nested value as its JSON); it must be there and not empty. */
    public String text(String field) {
        String s = optionalText(field);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return s;
    }

    /** The field as text, or null when it is absent or null. */
    public String optionalText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** The field as text, or {@code orElse} when it is absent or null. */
    public String text(String field, String orElse) {
        String s = optionalText(field);
        return s == null ? orElse : s;
    }

    /** A whole number that fits an {@code int} (a JSON number or its text). */
    public int integer(String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        String s = text(field);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field " + field + " must be a whole number, was '" + s + "'");
        }
    }

    /** A whole number, or {@code orElse} when the field is absent or null. */
    public int integer(String field, int orElse) {
        return has(field) ? integer(field) : orElse;
    }

    /** A decimal with at most {@code scale} decimals (text or number), at that scale. */
    public BigDecimal decimal(String field, int scale) {
        String s = text(field);
        try {
            return new BigDecimal(s).setScale(scale, RoundingMode.UNNECESSARY);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("field " + field + " must be an amount with at most " + scale + " decimals, was '" + s + "'");
        }
    }

    /** An instant: ISO-8601 text, or a number of epoch milliseconds. */
    public Instant time(String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.longValue());
        }
        String s = text(field);
        try {
            return Instants.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 instant or epoch milliseconds, was '" + s + "'");
        }
    }

    /** A flag: {@code true}/{@code false} (as JSON or text) or {@code 1}/{@code 0}; {@code orElse} when absent or null. */
    public boolean flag(String field, boolean orElse) {
        String s = optionalText(field);
        if (s == null) {
            return orElse;
        }
        return switch (s) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("field " + field + " must be true, false, 1 or 0, was '" + s + "'");
        };
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
