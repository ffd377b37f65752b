package io.datamesh.sdk;

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
