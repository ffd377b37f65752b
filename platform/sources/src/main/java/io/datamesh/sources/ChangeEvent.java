package io.datamesh.sources;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Debezium change event as a CDC connector writes it in JSON: {@code op} ({@code c} create,
 * {@code u} update, {@code d} delete, {@code r} snapshot read) and the {@code before} and
 * {@code after} rows, at the top level or inside {@code payload} (when the connector also writes
 * its schema). Other fields ({@code source}, {@code ts_ms}, the schema) are skipped.
 *
 * <p>Read with {@link #serde()} as a domain's raw type. The event is read in one pass into flat
 * rows, without a JSON tree: by {@link ChangeEventScanner} when it is plain ASCII with scalar
 * columns (the usual event), otherwise by Jackson's streaming parser. Bytes that are not a JSON
 * object fail to deserialize (the record goes to the DLQ with the parser's reason). A wrong
 * {@code op} or a missing or malformed column
 * throws {@link IllegalArgumentException} naming it when the mapping asks, so the record goes to
 * the DLQ with that reason.
 */
public final class ChangeEvent {

    /** The mapper's factory: nested column values (JSON documents, arrays) are read as trees. */
    private static final JsonFactory JSON = JsonSerde.JSON.getFactory();

    private final byte[] json;
    private final String op;
    private final Row before;
    private final Row after;

    ChangeEvent(byte[] json, String op, Row before, Row after) {
        this.json = json;
        this.op = op;
        this.before = before;
        this.after = after;
    }

    /** Change events as a raw type: reads JSON; writes the bytes an event was read from (tests pipe events). */
    public static Serde<ChangeEvent> serde() {
        return Serdes.serdeFrom((topic, event) -> event == null ? null : event.json, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return read(bytes);
            } catch (IOException e) {
                throw new SerializationException("record of " + topic + " is not JSON: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("record of " + topic + " " + e.getMessage(), e);
            }
        });
    }

    /** Reads one event from its JSON text. */
    public static ChangeEvent parse(String json) {
        try {
            return read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static ChangeEvent read(byte[] bytes) throws IOException {
        ChangeEvent scanned = ChangeEventScanner.scan(bytes);
        return scanned != null ? scanned : readWithJackson(bytes);
    }

    /** Reads any JSON event, with the parser's reason when it is not JSON. */
    static ChangeEvent readWithJackson(byte[] bytes) throws IOException {
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("is empty, not JSON");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("is not a JSON object: " + first.asString());
            }
            ChangeEvent event = readEvent(bytes, p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("has content after its JSON object");
            }
            return event;
        }
    }

    /** Reads the fields of the object the parser is at, up to its end. */
    private static ChangeEvent readEvent(byte[] bytes, JsonParser p) throws IOException {
        String op = null;
        Row before = null;
        Row after = null;
        ChangeEvent payload = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "op" -> op = t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : skip(p, t);
                case "before" -> before = t == JsonToken.START_OBJECT ? Row.read(p) : skip(p, t);
                case "after" -> after = t == JsonToken.START_OBJECT ? Row.read(p) : skip(p, t);
                case "payload" -> payload = t == JsonToken.START_OBJECT ? readEvent(bytes, p) : skip(p, t);
                default -> p.skipChildren();
            }
        }
        return payload != null && op == null && before == null && after == null ? payload : new ChangeEvent(bytes, op, before, after);
    }

    private static <T> T skip(JsonParser p, JsonToken t) throws IOException {
        if (t.isStructStart()) {
            p.skipChildren();
        }
        return null;
    }

    /** {@code c}, {@code u}, {@code d} or {@code r}. */
    public String op() {
        String o = op == null ? "" : op;
        return switch (o) {
            case "c", "u", "d", "r" -> o;
            default -> throw new IllegalArgumentException("change event op must be c, u, r or d, was '" + o + "'");
        };
    }

    public boolean isDelete() {
        return op().equals("d");
    }

    /** The row the event is about: {@code before} for a delete, {@code after} otherwise. */
    public Row row() {
        boolean delete = isDelete();
        Row row = delete ? before : after;
        if (row == null) {
            throw new IllegalArgumentException("change event with op '" + op + "' has no " + (delete ? "before" : "after") + " row");
        }
        return row;
    }

    /** The row before the change, or null (a create, or a connector that does not capture it). */
    public Row before() {
        return before;
    }

    /** The row after the change, or null (a delete). */
    public Row after() {
        return after;
    }

    @Override
    public String toString() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** ASCII bytes read as characters, without copying them: a scanned value handed to a text parser. */
    private record Ascii(byte[] bytes, int from, int to) implements CharSequence {

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= to - from) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) bytes[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().subSequence(start, end);
        }

        @Override
        public String toString() {
            return ChangeEventScanner.ascii(bytes, from, to);
        }
    }

    /**
     * One row: its columns by name. Typed getters throw {@link IllegalArgumentException} naming the
     * column and what was there; a column that is absent and one that is null are both missing.
     *
     * <p>A row the scanner read keeps its names and values as spans of the event's bytes: a value
     * becomes a {@code String} when it is asked for as text, and numbers, amounts, instants and
     * flags are read from the bytes. Each getter gives what it gives on the text, errors included.
     */
    public static final class Row {

        static final Object NULL = new Object();
        /**
         * Per column in {@link #columns}: the name's signature (see {@link #signature}), name from, name to, value
         * from, value to (spans of {@link #src}, for a row the scanner read), and 1 for a JSON number, else 0.
         */
        private static final int SPAN = 6;
        private static final int SIGNATURE = 0;
        private static final int NAME_FROM = 1;
        private static final int NAME_TO = 2;
        private static final int VALUE_FROM = 3;
        private static final int VALUE_TO = 4;
        private static final int NUMBER = 5;
        private static final int CAPACITY = 12;
        /** The event's bytes, for a row the scanner read; null for one read by Jackson. */
        private final byte[] src;
        private int[] columns = new int[CAPACITY * SPAN];
        /** The names that are not spans (read by Jackson, or scanned with escapes); null until there is one. */
        private String[] names;
        /**
         * Text of strings, numbers and booleans; a tree for a nested value; {@link #NULL} for null; null for a
         * value that is still its span. Null until a column has a value that is not a span.
         */
        private Object[] values;
        private int size;

        Row() {
            this(null);
        }

        Row(byte[] src) {
            this.src = src;
        }

        private static Row read(JsonParser p) throws IOException {
            Row row = new Row();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_NULL -> NULL;
                    case START_OBJECT, START_ARRAY -> p.readValueAsTree();
                    default -> p.getText();
                };
                row.add(name, value, t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT);
            }
            return row;
        }

        void add(String name, Object value, boolean number) {
            add(name, 0, 0, value, 0, 0, number);
        }

        /** A column; a null name or value is the span of {@link #src} given with it. */
        void add(String name, int nameFrom, int nameTo, Object value, int valueFrom, int valueTo, boolean number) {
            int at = size * SPAN;
            if (at == columns.length) {
                columns = Arrays.copyOf(columns, at * 2);
                names = names == null ? null : Arrays.copyOf(names, size * 2);
                values = values == null ? null : Arrays.copyOf(values, size * 2);
            }
            if (name != null) {
                if (names == null) {
                    names = new String[columns.length / SPAN];
                }
                names[size] = name;
            }
            if (value != null) {
                if (values == null) {
                    values = new Object[columns.length / SPAN];
                }
                values[size] = value;
            }
            int[] c = columns;
            c[at + SIGNATURE] = name != null ? signature(name) : signature(nameTo - nameFrom, src[nameFrom], src[nameTo - 1]);
            c[at + NAME_FROM] = nameFrom;
            c[at + NAME_TO] = nameTo;
            c[at + VALUE_FROM] = valueFrom;
            c[at + VALUE_TO] = valueTo;
            c[at + NUMBER] = number ? 1 : 0;
            size++;
        }

        /**
         * A cheap fingerprint of a name (its length, first and last character), equal for equal names, so that
         * {@link #find} compares whole names only where the fingerprints match. A scanned name is ASCII, one
         * byte a character, so its span's fingerprint is that of its text.
         */
        private static int signature(String name) {
            int n = name.length();
            return n == 0 ? 0 : signature(n, name.charAt(0), name.charAt(n - 1));
        }

        private static int signature(int length, int first, int last) {
            return length == 0 ? 0 : length << 16 ^ first << 8 ^ last;
        }

        /** Index of the column, the last one if the JSON repeats it (as a tree keeps the last); -1 if absent. */
        private int find(String column) {
            int signature = signature(column);
            int[] c = columns;
            for (int i = size - 1; i >= 0; i--) {
                if (c[i * SPAN + SIGNATURE] == signature && nameIs(i, column)) {
                    return i;
                }
            }
            return -1;
        }

        private boolean nameIs(int i, String column) {
            String name = names == null ? null : names[i];
            // Jackson interns field names, so a column named by a literal matches by identity.
            return name != null ? name == column || name.equals(column)
                    : ChangeEventScanner.spells(src, columns[i * SPAN + NAME_FROM], columns[i * SPAN + NAME_TO], column);
        }

        /** The value of column {@code i} (made from its span on first use), or null when it is null. */
        private Object valueAt(int i) {
            Object v = values == null ? null : values[i];
            if (v == null && src != null) {
                v = ChangeEventScanner.ascii(src, from(i), to(i));
                if (values == null) {
                    values = new Object[columns.length / SPAN];
                }
                values[i] = v;
            }
            return v == NULL ? null : v;
        }

        private String nameAt(int i) {
            String name = names == null ? null : names[i];
            return name != null ? name : ChangeEventScanner.ascii(src, columns[i * SPAN + NAME_FROM], columns[i * SPAN + NAME_TO]);
        }

        /** Whether the value span of column {@code i} is {@code text}. */
        private boolean spans(int i, String text) {
            return ChangeEventScanner.spells(src, from(i), to(i), text);
        }

        /** Whether column {@code i} is still a span of the bytes (not made into text yet); never for a null. */
        private boolean isSpan(int i) {
            return src != null && (values == null || values[i] == null);
        }

        private boolean isNumber(int i) {
            return columns[i * SPAN + NUMBER] != 0;
        }

        private int from(int i) {
            return columns[i * SPAN + VALUE_FROM];
        }

        private int to(int i) {
            return columns[i * SPAN + VALUE_TO];
        }

        private Object value(String column) {
            int i = find(column);
            return i < 0 ? null : valueAt(i);
        }

        /** Whether the column is there and not null. */
        public boolean has(String column) {
            int i = find(column);
            return i >= 0 && (values == null || values[i] != NULL);
        }

        /** The column as text (a nested value as its JSON); it must be there and not empty. */
        public String text(String column) {
            Object v = value(column);
            String s = v == null ? null : v.toString();
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("column " + column + " is missing");
            }
            return s;
        }

        /** The column as text, or null when it is absent or null. */
        public String optionalText(String column) {
            Object v = value(column);
            return v == null ? null : v.toString();
        }

        /** The column as text, or {@code orElse} when it is absent or null. */
        public String text(String column, String orElse) {
            String s = optionalText(column);
            return s == null ? orElse : s;
        }

        /** A whole number that fits an {@code int}. */
        public int integer(String column) {
            int i = find(column);
            if (i >= 0 && isSpan(i)) {
                long n = digits(from(i), to(i), 9);
                if (n != NOT_DIGITS) {
                    return (int) n;
                }
            }
            String v = text(column);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("column " + column + " must be a whole number, was '" + v + "'");
            }
        }

        /** A decimal with at most {@code scale} decimals (text or number), at that scale. */
        public BigDecimal decimal(String column, int scale) {
            int i = find(column);
            BigDecimal plain = i >= 0 && isSpan(i) ? plainDecimal(from(i), to(i)) : null;
            String v = plain == null ? text(column) : null;
            try {
                return (plain != null ? plain : new BigDecimal(v)).setScale(scale, RoundingMode.UNNECESSARY);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("column " + column + " must be an amount with at most " + scale + " decimals, was '"
                        + (v != null ? v : text(column)) + "'");
            }
        }

        /** An instant: ISO-8601 text, or a number of epoch milliseconds. */
        public Instant time(String column) {
            int i = find(column);
            if (i >= 0 && isSpan(i) && to(i) > from(i)) {
                try {
                    if (!isNumber(i)) {
                        return Instants.parse(new Ascii(src, from(i), to(i)));
                    }
                    long millis = digits(from(i), to(i), 18);
                    if (millis != NOT_DIGITS) {
                        return Instant.ofEpochMilli(millis);
                    }
                } catch (DateTimeParseException e) {
                    throw notAnInstant(column, text(column));
                }
            }
            String v = text(column);
            try {
                return isNumber(find(column)) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instants.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw notAnInstant(column, v);
            }
        }

        private static IllegalArgumentException notAnInstant(String column, String v) {
            return new IllegalArgumentException("column " + column + " must be an ISO-8601 instant or epoch milliseconds, was '" + v + "'");
        }

        /**
         * A flag: {@code true}/{@code false} (as JSON or text) or {@code 1}/{@code 0} (MySQL's
         * {@code TINYINT(1)}); {@code orElse} when absent or null.
         */
        public boolean flag(String column, boolean orElse) {
            int i = find(column);
            if (i >= 0 && isSpan(i)) {
                if (spans(i, "1") || spans(i, "true")) {
                    return true;
                }
                if (spans(i, "0") || spans(i, "false")) {
                    return false;
                }
            }
            String v = optionalText(column);
            if (v == null) {
                return orElse;
            }
            return switch (v) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new IllegalArgumentException("column " + column + " must be true, false, 1 or 0, was '" + v + "'");
            };
        }

        private static final long NOT_DIGITS = Long.MIN_VALUE;

        /**
         * The whole number in {@code src[from, to)}: an optional minus and 1 to {@code max} digits, so that
         * it cannot overflow; {@link #NOT_DIGITS} for anything else, which the text's parser then reads.
         */
        private long digits(int from, int to, int max) {
            boolean negative = to > from && src[from] == '-';
            int start = negative ? from + 1 : from;
            if (to - start < 1 || to - start > max) {
                return NOT_DIGITS;
            }
            long n = 0;
            for (int k = start; k < to; k++) {
                int d = src[k] - '0';
                if (d < 0 || d > 9) {
                    return NOT_DIGITS;
                }
                n = n * 10 + d;
            }
            return negative ? -n : n;
        }

        /**
         * The decimal in {@code src[from, to)} when it is plain ({@code -?d*(.d*)?}, at least one digit, at
         * most 18), as {@code new BigDecimal(text)} gives it; null for anything else, which that then reads.
         */
        private BigDecimal plainDecimal(int from, int to) {
            boolean negative = to > from && src[from] == '-';
            long unscaled = 0;
            int digits = 0;
            int point = -1;
            for (int k = negative ? from + 1 : from; k < to; k++) {
                int c = src[k];
                if (c == '.' && point < 0) {
                    point = k;
                    continue;
                }
                int d = c - '0';
                if (d < 0 || d > 9 || ++digits > 18) {
                    return null;
                }
                unscaled = unscaled * 10 + d;
            }
            if (digits == 0) {
                return null;
            }
            return BigDecimal.valueOf(negative ? -unscaled : unscaled, point < 0 ? 0 : to - point - 1);
        }

        /** Every column as {@code name=kind:value} (kind: null, number, text or tree), in order: for comparing readers. */
        List<String> columns() {
            List<String> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Object v = valueAt(i);
                String kind = v == null ? "null" : isNumber(i) ? "number" : v instanceof String ? "text" : "tree";
                out.add(nameAt(i) + "=" + kind + ":" + (v == null ? "" : v));
            }
            return out;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < size; i++) {
                Object v = valueAt(i);
                b.append(i == 0 ? "" : ", ").append(nameAt(i)).append('=').append(v == null ? "null" : v);
            }
            return b.append('}').toString();
        }
    }
}
