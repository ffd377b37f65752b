package io.datamesh.apps.orders;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.sdk.Instants;

/**
 * Reading Debezium change events of the orders database: {@code op} (c, u, d, r), {@code before}
 * and {@code after} rows. Times may come as ISO-8601 text or epoch milliseconds, decimals as text
 * or numbers, depending on the connector's settings. A missing or malformed column throws, naming it.
 */
final class ChangeEvents {

    private ChangeEvents() {
    }

    /** The row the event is about: {@code before} for a delete, {@code after} otherwise. */
    static JsonNode row(JsonNode event) {
        String op = op(event);
        JsonNode row = event.get(op.equals("d") ? "before" : "after");
        if (row == null || !row.isObject()) {
            throw new IllegalArgumentException("change event with op '" + op + "' has no " + (op.equals("d") ? "before" : "after") + " row");
        }
        return row;
    }

    static String op(JsonNode event) {
        String op = event.path("op").asText("");
        return switch (op) {
            case "c", "u", "r", "d" -> op;
            default -> throw new IllegalArgumentException("change event op must be c, u, r or d, was '" + op + "'");
        };
    }

    static String text(JsonNode row, String column) {
        JsonNode v = row.get(column);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("column " + column + " is missing");
        }
        return v.asText();
    }

    static String optionalText(JsonNode row, String column) {
        JsonNode v = row.get(column);
        return v == null || v.isNull() ? null : v.asText();
    }

    static int integer(JsonNode row, String column) {
        String v = text(row, column);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " must be a whole number, was '" + v + "'");
        }
    }

    static BigDecimal money(JsonNode row, String column) {
        String v = text(row, column);
        try {
            return new BigDecimal(v).setScale(2, java.math.RoundingMode.UNNECESSARY);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("column " + column + " must be an amount with at most 2 decimals, was '" + v + "'");
        }
    }

    static Instant time(JsonNode row, String column) {
        JsonNode v = row.get(column);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("column " + column + " is missing");
        }
        if (v.isNumber()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        try {
            return Instants.parse(v.asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("column " + column + " must be an ISO-8601 instant or epoch milliseconds, was '" + v.asText() + "'");
        }
    }

    /** When the change took effect in the business: creation at placement, later changes at their update time. */
    static Instant validFrom(JsonNode event, JsonNode row, Instant recordedAt) {
        String op = op(event);
        if (op.equals("d")) {
            return recordedAt;
        }
        if (op.equals("c") || op.equals("r") || !row.hasNonNull("updated_at")) {
            return time(row, "placed_at");
        }
        return time(row, "updated_at");
    }
}
