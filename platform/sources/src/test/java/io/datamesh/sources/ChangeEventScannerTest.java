package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The scanner against Jackson's reader on generated change events (Debezium's shapes, odd columns,
 * escapes, non-ASCII text, nested values, whitespace) and on mutations of them (bytes deleted,
 * inserted, replaced, cut): whenever the scanner reads an event, Jackson reads the same one; the
 * scanner reads most of the unmutated events; it never reads one that Jackson rejects.
 */
class ChangeEventScannerTest {

    private static final long SEED = Long.getLong("scanner.seed", 20181207L);
    private static final int CASES = 20_000;

    @Test
    void aNameSpellsASpanExactlyAsComparingCharByCharWouldWhateverNamesShareTheCache() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "ab_zZ09\u00e9\u0100";
        for (int trial = 0; trial < 50_000; trial++) {
            // Names of every length the comparison treats apart: under 8 bytes, 8 to 16, longer.
            StringBuilder name = new StringBuilder();
            for (int k = random.nextInt(random.nextBoolean() ? 6 : 25); k > 0; k--) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            // Equal names as other instances, and many names sharing the cache's slots.
            String text = random.nextBoolean() ? name.toString() : new String(name);
            // The span somewhere in an array, with bytes before and after it (or none after: the array's end).
            int before = random.nextInt(4);
            int after = random.nextInt(3) == 0 ? 0 : random.nextInt(12);
            int length = text.length() + (random.nextInt(4) == 0 ? random.nextInt(3) - 1 : 0);
            byte[] span = new byte[before + Math.max(length, 0) + after];
            for (int k = 0; k < span.length; k++) {
                span[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : alphabet.charAt(random.nextInt(5)));
            }
            int from = before;
            int to = before + Math.max(length, 0);
            if (random.nextBoolean() && text.chars().allMatch(c -> c < 0x80)) {
                byte[] ascii = text.getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(ascii, 0, span, from, Math.min(ascii.length, to - from));
                if (random.nextInt(3) == 0 && to > from) {
                    span[from + random.nextInt(to - from)] ^= (byte) (1 << random.nextInt(8)); // one bit off, anywhere
                }
            }
            boolean expected = to - from == text.length();
            for (int k = 0; expected && k < text.length(); k++) {
                expected = span[from + k] == text.charAt(k);
            }
            assertThat(ChangeEventScanner.spells(span, from, to, text))
                    .as("seed " + seed + " trial " + trial + ": '" + text + "' in " + java.util.Arrays.toString(span) + " at " + from)
                    .isEqualTo(expected);
        }
    }

    @Test
    void whatTheScannerReadsJacksonReadsTheSame() {
        Random random = new Random(SEED);
        int scannedPlain = 0;
        int plain = 0;
        int scannedMutated = 0;
        for (int n = 0; n < CASES; n++) {
            String json = event(random);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            boolean mutated = random.nextInt(3) == 0;
            if (mutated) {
                bytes = mutate(random, bytes);
            } else {
                plain++;
            }
            ChangeEvent scanned = ChangeEventScanner.scan(bytes);
            if (scanned == null) {
                continue;
            }
            if (mutated) {
                scannedMutated++;
            } else {
                scannedPlain++;
            }
            ChangeEvent read;
            try {
                read = ChangeEvent.readWithJackson(bytes);
            } catch (Exception e) {
                fail("seed " + SEED + ", case " + n + ": the scanner read what Jackson rejects (" + e.getMessage() + "): "
                        + new String(bytes, StandardCharsets.UTF_8));
                return;
            }
            assertThat(describe(scanned)).as("seed %d, case %d: %s", SEED, n, new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(describe(read));
        }
        assertThat(scannedPlain).as("seed %d: events the scanner read of %d unmutated", SEED, plain).isGreaterThan(plain / 2);
        assertThat(scannedMutated).as("seed %d: mutated events read", SEED).isPositive();
    }

    /**
     * Every byte value inside a column's name and inside its text, at each place of it: the scanner reads
     * the event as Jackson does, or leaves it to Jackson; it reads all printable ASCII but the quote and
     * the backslash, which end or escape the text.
     */
    @Test
    void everyByteInATextIsReadAsJacksonReadsItOrLeftToJackson() throws java.io.IOException {
        for (int c = 0; c < 256; c++) {
            for (String template : new String[] {"{\"op\":\"c\",\"after\":{\"a\":\"%s\"}}", "{\"op\":\"c\",\"after\":{\"%s\":1}}"}) {
                // The byte at every place of a longer text, and as its last character.
                for (String around : arounds()) {
                    String text = around.replace("#", "\u0000");
                    byte[] bytes = String.format(template, text).getBytes(StandardCharsets.ISO_8859_1);
                    int at = indexOf(bytes, (byte) 0);
                    bytes[at] = (byte) c;
                    ChangeEvent scanned = ChangeEventScanner.scan(bytes);
                    boolean plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
                    if (plain) {
                        assertThat(scanned).as("byte %02x in %s", c, new String(bytes, StandardCharsets.ISO_8859_1)).isNotNull();
                    }
                    if (scanned != null) {
                        assertThat(describe(scanned)).as("byte %02x", c).isEqualTo(describe(ChangeEvent.readWithJackson(bytes)));
                    }
                }
            }
        }
    }

    /** Texts with the byte under test ({@code #}) at each of 0–17 places, with and without more text after it. */
    private static List<String> arounds() {
        List<String> arounds = new ArrayList<>();
        String plain = "abcdefghijklmnopq";
        for (int at = 0; at <= plain.length(); at++) {
            arounds.add(plain.substring(0, at) + "#" + plain.substring(at));
            arounds.add(plain.substring(0, at) + "#");
        }
        return arounds;
    }

    /**
     * Columns whose names look alike to the row's quick comparison (same length, same first and last
     * character), repeated ones, an empty name and escaped names: each getter finds the column Jackson's row
     * finds, the last of repeated ones.
     */
    @Test
    void lookAlikeAndRepeatedNamesFindTheColumnJacksonFinds() throws java.io.IOException {
        String json = "{\"op\":\"c\",\"after\":{\"a1b\":\"1\",\"a2b\":\"2\",\"ab\":\"3\",\"a1b\":\"4\",\"\":\"5\",\"b\":6,"
                + "\"a\\u0033b\":\"7\",\"a\\\"b\":\"8\",\"aXb\":null,\"a4b\":true,\"a2b\":\"9.5\"}}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ChangeEvent.Row scanned = ChangeEventScanner.scan(bytes).after();
        ChangeEvent.Row jackson = ChangeEvent.readWithJackson(bytes).after();
        assertThat(scanned.text("a1b")).isEqualTo("4");
        assertThat(scanned.text("a2b")).isEqualTo("9.5");
        assertThat(scanned.text("a3b")).isEqualTo("7");
        assertThat(scanned.text("a\"b")).isEqualTo("8");
        for (String column : new String[] {"a1b", "a2b", "a3b", "a4b", "a5b", "aXb", "ab", "", "b", "a\"b", "a", "a1", "1b"}) {
            ChangeEvent.Row once = scanned;
            assertThat(getters(() -> once, column)).as("column %s", column).isEqualTo(getters(() -> jackson, column));
            assertThat(getters(() -> ChangeEventScanner.scan(bytes).after(), column)).as("column %s, fresh", column)
                    .isEqualTo(getters(() -> jackson, column));
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no " + b);
    }

    @Test
    void theUsualDebeziumEventIsScanned() {
        String json = "{\"before\":null,\"after\":{\"order_id\":\"o1\",\"line_no\":2,\"unit_price\":\"8.50\",\"refunded\":false,"
                + "\"placed_at\":1531044000000},\"source\":{\"version\":\"3.5.0.Final\",\"connector\":\"mysql\",\"ts_ms\":1531044000000,"
                + "\"snapshot\":\"false\",\"db\":\"shop\",\"table\":\"order_lines\",\"file\":\"bin.000001\",\"pos\":4,\"row\":0},"
                + "\"op\":\"c\",\"ts_ms\":1531044000123,\"transaction\":null}";
        ChangeEvent e = ChangeEventScanner.scan(json.getBytes(StandardCharsets.UTF_8));

        assertThat(e).isNotNull();
        assertThat(e.op()).isEqualTo("c");
        assertThat(e.row().text("order_id")).isEqualTo("o1");
        assertThat(e.row().time("placed_at").toEpochMilli()).isEqualTo(1531044000000L);
        assertThat(e.row().flag("refunded", true)).isFalse();
        assertThat(e.before()).isNull();
    }

    /**
     * A scanned row reads numbers, amounts, instants and flags from its bytes; every getter must give
     * what it gives on the text of a row Jackson read: the same value, or the same error.
     */
    @Test
    void gettersGiveOnTheBytesWhatTheyGiveOnTheText() {
        Random random = new Random(SEED);
        String[] numbers = {"0", "-0", "7", "-12", "123456789", "1234567890", "99999999999", "-2147483648", "2147483648", "8.50",
                "-0.50", "1e3", "1.5E-2", "0.0", "1531044000000", "-1531044000000", "1234567890123456789", "12345678901234567890"};
        String[] texts = {"", "0", "1", "true", "false", "TRUE", "yes", "8.50", "8.5", "8.505", ".5", "5.", "-.5", "+5", "1.2.3", "-", "--5",
                "007", "0008.50", "123456789012345678", "1234567890123456789", "12345678901234567890.5", "2018-07-08T10:30:00Z",
                "2018-07-08T10:30:00.123456789Z", "2018-07-08T10:30:00.5+02:00", "2018-02-30T10:00:00Z", "2018-07-08 10:30:00",
                "1531044000000", " 5", "5 ", "\\u0035", "2018-07-08T10:30:00.Z", "+2018-07-08T10:30:00Z", "1e3", "-5", "-0.50"};
        String[] columns = {"a", "ab", "b", "ba"}; // names that are prefixes of others
        int compared = 0;
        for (int n = 0; n < 4_000; n++) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                if (random.nextInt(6) == 0) {
                    continue; // absent
                }
                String value = switch (random.nextInt(8)) {
                    case 0 -> numbers[random.nextInt(numbers.length)];
                    case 1 -> new String[] {"true", "false", "null"}[random.nextInt(3)];
                    default -> quote(texts[random.nextInt(texts.length)]);
                };
                cells.add(pair(random, column, value));
            }
            String json = "{\"op\":\"c\",\"after\":{" + String.join(",", cells) + "}}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            ChangeEvent scanned = ChangeEventScanner.scan(bytes);
            assertThat(scanned).as("seed %d, case %d: the scanner reads %s", SEED, n, json).isNotNull();
            ChangeEvent read;
            try {
                read = ChangeEvent.readWithJackson(bytes);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            for (String column : new String[] {"a", "ab", "b", "ba", "abc"}) {
                // Each getter on a fresh scan, where the column is still a span of the bytes, and then all on one
                // row, where the first made it into text.
                ChangeEvent.Row jackson = read.after();
                assertThat(getters(() -> ChangeEventScanner.scan(bytes).after(), column)).as("seed %d, case %d, column %s: %s", SEED, n, column, json)
                        .isEqualTo(getters(() -> jackson, column));
                ChangeEvent.Row once = scanned.after();
                assertThat(getters(() -> once, column)).as("seed %d, case %d, column %s, one row: %s", SEED, n, column, json)
                        .isEqualTo(getters(() -> jackson, column));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(20_000);
    }

    private static List<String> getters(java.util.function.Supplier<ChangeEvent.Row> rows, String column) {
        List<java.util.function.Function<ChangeEvent.Row, Object>> calls = List.of(
                row -> row.has(column), row -> row.optionalText(column), row -> row.text(column, "else"), row -> row.text(column),
                row -> row.integer(column), row -> row.decimal(column, 2), row -> row.decimal(column, 0), row -> row.time(column),
                row -> row.flag(column, true), row -> row.flag(column, false));
        List<String> out = new ArrayList<>();
        for (java.util.function.Function<ChangeEvent.Row, Object> call : calls) {
            try {
                out.add(String.valueOf(call.apply(rows.get())));
            } catch (IllegalArgumentException e) {
                out.add("error: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<String> describe(ChangeEvent e) {
        List<String> out = new ArrayList<>();
        out.add("op " + opOf(e));
        out.add("before " + (e.before() == null ? null : e.before().columns()));
        out.add("after " + (e.after() == null ? null : e.after().columns()));
        return out;
    }

    private static String opOf(ChangeEvent e) {
        try {
            return e.op();
        } catch (IllegalArgumentException ex) {
            return "invalid: " + ex.getMessage();
        }
    }

    private static String event(Random r) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(10) > 0) {
            fields.add(pair(r, "op", switch (r.nextInt(12)) {
                case 0 -> "null";
                case 1 -> "1";
                case 2 -> "{\"x\":1}";
                case 3 -> "true";
                default -> quote(new String[] {"c", "u", "d", "r", "x", ""}[r.nextInt(6)]);
            }));
        }
        for (String side : new String[] {"before", "after"}) {
            int k = r.nextInt(10);
            if (k < 6) {
                fields.add(pair(r, side, row(r)));
            } else if (k < 8) {
                fields.add(pair(r, side, "null"));
            } else if (k == 8) {
                fields.add(pair(r, side, "[1,2]"));
            }
        }
        if (r.nextBoolean()) {
            fields.add(pair(r, "source", "{\"connector\":\"mysql\",\"pos\":" + r.nextInt(100000) + ",\"gtid\":null,\"list\":[1,\"a\",{\"b\":[]}],"
                    + "\"snapshot\":" + (r.nextBoolean() ? "true" : "\"last\"") + "}"));
        }
        if (r.nextBoolean()) {
            fields.add(pair(r, "ts_ms", Long.toString(r.nextLong() >>> 20)));
        }
        if (r.nextInt(5) == 0) {
            fields.add(pair(r, r.nextBoolean() ? "op" : "after", r.nextBoolean() ? "null" : row(r))); // a repeated field
        }
        java.util.Collections.shuffle(fields, r);
        String body = "{" + space(r) + String.join("," + space(r), fields) + space(r) + "}";
        if (r.nextInt(6) == 0) {
            // With the connector's schema: the event inside "payload".
            return space(r) + "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"op\"}]},\"payload\":" + body + "}" + space(r);
        }
        return space(r) + body + space(r);
    }

    private static String row(Random r) {
        int n = r.nextInt(9);
        List<String> columns = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            columns.add(pair(r, name(r), value(r)));
        }
        return "{" + space(r) + String.join("," + space(r), columns) + space(r) + "}";
    }

    private static String name(Random r) {
        String[] names = {"id", "order_id", "line_no", "price", "placed_at", "note", "a\\\"b", "x\\u0041y", "", "id"};
        return r.nextInt(40) == 0 ? "caf\u00e9" : names[r.nextInt(names.length)];
    }

    private static String value(Random r) {
        // Values the scanner leaves to Jackson (nested, non-ASCII) are rare, as in real rows.
        return switch (r.nextInt(60)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            case 3 -> Integer.toString(r.nextInt());
            case 4 -> new String[] {"0", "-0", "8.50", "-1.5e3", "2E+10", "1e-7", "123456789012345678901234567890", "0.0"}[r.nextInt(8)];
            case 5 -> "{\"nested\":" + r.nextInt(10) + "}";
            case 6 -> "[" + r.nextInt(10) + ",\"x\"]";
            case 7 -> quote("caf\u00e9 \ud83d\ude00");
            case 8 -> "\"" + new String[] {"a\\nb", "q\\\"q", "s\\/l", "\\u00e9\\u0041", "t\\tab", "\\ud83d\\ude00", "back\\\\"}[r.nextInt(7)] + "\"";
            default -> quote(text(r));
        };
    }

    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(12);
        for (int k = 0; k < n; k++) {
            b.append((char) (' ' + r.nextInt(95)));
        }
        return b.toString().replace("\\", "").replace("\"", "");
    }

    private static String pair(Random r, String name, String value) {
        return "\"" + name + "\"" + space(r) + ":" + space(r) + value;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static String space(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n\t";
            case 2 -> "\r\n ";
            default -> "";
        };
    }

    private static byte[] mutate(Random r, byte[] bytes) {
        byte[] significant = "{}[]\",:\\ 0-.eEtfnu\u0001x".getBytes(StandardCharsets.ISO_8859_1);
        int at = bytes.length == 0 ? 0 : r.nextInt(bytes.length);
        return switch (r.nextInt(4)) {
            case 0 -> concat(bytes, 0, at, new byte[0], bytes, Math.min(bytes.length, at + 1)); // delete one
            case 1 -> concat(bytes, 0, at, new byte[] {significant[r.nextInt(significant.length)]}, bytes, at); // insert one
            case 2 -> concat(bytes, 0, at, new byte[] {significant[r.nextInt(significant.length)]}, bytes, Math.min(bytes.length, at + 1)); // replace
            default -> java.util.Arrays.copyOf(bytes, at); // cut
        };
    }

    private static byte[] concat(byte[] a, int from, int to, byte[] middle, byte[] b, int bFrom) {
        byte[] out = new byte[(to - from) + middle.length + (b.length - bFrom)];
        System.arraycopy(a, from, out, 0, to - from);
        System.arraycopy(middle, 0, out, to - from, middle.length);
        System.arraycopy(b, bFrom, out, to - from + middle.length, b.length - bFrom);
        return out;
    }
}
