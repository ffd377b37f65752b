package io.datamesh.collector;

import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.sources.Instants;

/**
 * The raw contract of a click, as the clickstream domain reads it from {@code clickstream.raw.clicks}
 * (its mapping is the reference): a JSON object with
 *
 * <pre>
 *   click_id    text, 1-128 characters, required: the click's identity (a retry carries the same one)
 *   session_id  text, 1-128 characters, required
 *   user_id     text up to 128 characters, or null: the logged-in user
 *   at          ISO-8601 instant, required, e.g. 2026-12-01T19:00:00.250Z: when it happened on the client
 *   type        page_view | add_to_cart | checkout, required, with its fields:
 *     page_view    url (text, 1-2048, required), referrer (text or null)
 *     add_to_cart  product_id (text, 1-128, required), quantity (whole number from 1; default 1)
 *     checkout     order_id (text or null), items (whole number from 0; default 0)
 * </pre>
 *
 * Other fields are allowed and kept. An event that breaks the contract is rejected with the first
 * field that does and what to fix; the other events of its batch are not affected.
 */
final class ClickContract {

    static final List<String> TYPES = List.of("page_view", "add_to_cart", "checkout");
    private static final int ID_CHARS = 128;
    private static final int URL_CHARS = 2048;

    /** Why an event is rejected: the field (empty for the event as a whole), the reason, and its class for metrics. */
    record Violation(String field, String reason, String reasonClass) {
    }

    private ClickContract() {
    }

    /** The first violation of the contract, or null when {@code event} keeps it. */
    static Violation check(JsonNode event, int bytes, int maxEventBytes) {
        if (!event.isObject()) {
            return new Violation("", "an event is a JSON object, not " + kind(event), "not-an-object");
        }
        if (bytes > maxEventBytes) {
            return new Violation("", "the event is " + bytes + " bytes as JSON; the limit is " + maxEventBytes + " bytes", "too-large");
        }
        Violation v = requiredText(event, "click_id", ID_CHARS, "the click's unique id");
        if (v == null) {
            v = requiredText(event, "session_id", ID_CHARS, "the client's session");
        }
        if (v == null) {
            v = optionalText(event, "user_id", ID_CHARS);
        }
        if (v == null) {
            v = requiredText(event, "at", 64, "when it happened, an ISO-8601 instant such as 2026-12-01T19:00:00.250Z");
        }
        if (v == null) {
            try {
                Instants.parse(event.get("at").textValue());
            } catch (DateTimeParseException e) {
                v = new Violation("at", "'" + event.get("at").textValue() + "' is not an ISO-8601 instant such as 2026-12-01T19:00:00.250Z",
                        "invalid");
            }
        }
        if (v == null) {
            v = requiredText(event, "type", 32, "one of " + String.join(", ", TYPES));
        }
        if (v != null) {
            return v;
        }
        String type = event.get("type").textValue();
        return switch (type) {
            case "page_view" -> firstOf(requiredText(event, "url", URL_CHARS, "the page's URL"), optionalText(event, "referrer", URL_CHARS));
            case "add_to_cart" -> firstOf(requiredText(event, "product_id", ID_CHARS, "the product put in the cart"),
                    optionalWholeNumber(event, "quantity", 1));
            case "checkout" -> firstOf(optionalText(event, "order_id", ID_CHARS), optionalWholeNumber(event, "items", 0));
            default -> new Violation("type", "must be one of " + String.join(", ", TYPES) + ", was '" + type + "'", "invalid");
        };
    }

    private static Violation firstOf(Violation a, Violation b) {
        return a != null ? a : b;
    }

    private static Violation requiredText(JsonNode event, String field, int maxChars, String what) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return new Violation(field, "required: " + what, "missing");
        }
        return text(field, v, maxChars);
    }

    private static Violation optionalText(JsonNode event, String field, int maxChars) {
        JsonNode v = event.get(field);
        return v == null || v.isNull() ? null : text(field, v, maxChars);
    }

    private static Violation text(String field, JsonNode v, int maxChars) {
        if (!v.isTextual()) {
            return new Violation(field, "must be a text, was " + kind(v), "wrong-type");
        }
        int n = v.textValue().length();
        if (n == 0 || n > maxChars) {
            return new Violation(field, "must be 1 to " + maxChars + " characters, was " + n, "invalid");
        }
        return null;
    }

    private static Violation optionalWholeNumber(JsonNode event, String field, int min) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            return new Violation(field, "must be a whole number, was " + kind(v), "wrong-type");
        }
        if (v.intValue() < min) {
            return new Violation(field, "must be at least " + min + ", was " + v.intValue(), "invalid");
        }
        return null;
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
