package io.datamesh.sdk;

import java.nio.charset.StandardCharsets;

/**
 * Reads the usual change event without a general JSON parser: ASCII text, rows of scalar columns.
 * It reads a strict subset of JSON and gives up ({@link #scan} returns null) on anything else —
 * a byte outside ASCII, a nested value in a row, deep nesting, a long number, and every syntax
 * error — so that Jackson reads those events and they get exactly the values and the error messages
 * they always had. On what it accepts it must give what {@link ChangeEvent}'s Jackson reader gives;
 * {@code ChangeEventScannerTest} compares the two on generated and mutated events.
 */
final class ChangeEventScanner {

    /** Deeper than this, Jackson reads it (its own limit is far above). */
    private static final int MAX_DEPTH = 64;
    /** Longer numbers, names and strings than these, Jackson reads (and applies its own limits). */
    private static final int MAX_NUMBER = 64;
    private static final int MAX_TEXT = 100_000;

    /** Not an error: "Jackson reads this one". Thrown without a stack trace. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /**
     * Field names seen lately, by their length and end bytes. Shared by all threads without locks: a slot
     * holds an immutable string or null, so a reader sees a whole string or none, and a lost
     * update only costs making that name again.
     */
    private static final String[] NAMES = new String[1024];

    private final byte[] b;
    private int i;

    private ChangeEventScanner(byte[] bytes) {
        this.b = bytes;
    }

    /** The event, or null when Jackson has to read these bytes. */
    static ChangeEvent scan(byte[] bytes) {
        ChangeEventScanner s = new ChangeEventScanner(bytes);
        try {
            s.skipSpace();
            s.expect('{');
            ChangeEvent event = s.event(1);
            s.skipSpace();
            return s.i == bytes.length ? event : null;
        } catch (GiveUp e) {
            return null;
        }
    }

    /** The fields of an event object whose {@code {} was just read, up to its end; as ChangeEvent#readEvent. */
    private ChangeEvent event(int depth) {
        String op = null;
        ChangeEvent.Row before = null;
        ChangeEvent.Row after = null;
        ChangeEvent payload = null;
        skipSpace();
        if (peek() == '}') {
            i++;
        } else {
            do {
                String field = fieldName();
                int c = peek();
                switch (field) {
                    case "op" -> op = c == '"' ? string() : c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9') ? scalar() : skipNull(depth);
                    case "before" -> before = c == '{' ? row() : skipNull(depth);
                    case "after" -> after = c == '{' ? row() : skipNull(depth);
                    case "payload" -> payload = c == '{' ? enter(depth) : skipNull(depth);
                    default -> skipValue(depth);
                }
                skipSpace();
            } while (next() == ',' || back('}'));
        }
        return payload != null && op == null && before == null && after == null ? payload : new ChangeEvent(b, op, before, after);
    }

    private ChangeEvent enter(int depth) {
        if (depth >= MAX_DEPTH) {
            throw GIVE_UP;
        }
        i++;
        return event(depth + 1);
    }

    /** A row object at {@code {}: scalar columns only. */
    private ChangeEvent.Row row() {
        i++;
        ChangeEvent.Row row = new ChangeEvent.Row();
        skipSpace();
        if (peek() == '}') {
            i++;
            return row;
        }
        do {
            String name = fieldName();
            int c = peek();
            if (c == '"') {
                row.add(name, string(), false);
            } else if (c == 'n') {
                literal("null");
                row.add(name, ChangeEvent.Row.NULL, false);
            } else if (c == 't' || c == 'f') {
                row.add(name, scalar(), false);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                row.add(name, number(), true);
            } else {
                throw GIVE_UP; // a nested value (Jackson makes it a tree) or an error
            }
            skipSpace();
        } while (next() == ',' || back('}'));
        return row;
    }

    /** A boolean or a number, as its text. */
    private String scalar() {
        int c = peek();
        if (c == 't') {
            literal("true");
            return "true";
        }
        if (c == 'f') {
            literal("false");
            return "false";
        }
        return number();
    }

    /** Skips a value that must be of another type than the field wants; the field is then null, as in the Jackson reader. */
    private <T> T skipNull(int depth) {
        skipValue(depth);
        return null;
    }

    private void skipValue(int depth) {
        int c = peek();
        switch (c) {
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            case '{', '[' -> skipStructure(depth);
            default -> number();
        }
    }

    private void skipStructure(int depth) {
        if (depth >= MAX_DEPTH) {
            throw GIVE_UP;
        }
        boolean object = next() == '{';
        char close = object ? '}' : ']';
        skipSpace();
        if (peek() == close) {
            i++;
            return;
        }
        do {
            if (object) {
                fieldName();
            } else {
                skipSpace();
            }
            skipValue(depth + 1);
            skipSpace();
        } while (next() == ',' || back(close));
    }

    /** A field's name and the colon after it, with the spaces around them. */
    private String fieldName() {
        skipSpace();
        String name = string(true);
        skipSpace();
        expect(':');
        skipSpace();
        return name;
    }

    /** True when the byte just read is {@code close}; gives up otherwise. */
    private boolean back(char close) {
        if (b[i - 1] != close) {
            throw GIVE_UP;
        }
        return false;
    }

    /** A string at {@code "}: printable ASCII and the JSON escapes. */
    private String string() {
        return string(false);
    }

    /**
     * A string at {@code "}. Field names ({@code name}) come from {@link #NAMES} when they were
     * seen before: an event repeats the names of the last one, and making them is most of the work.
     */
    private String string(boolean name) {
        expect('"');
        byte[] b = this.b;
        int start = i;
        int j = start;
        while (true) {
            if (j >= b.length) {
                throw GIVE_UP;
            }
            byte c = b[j];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                i = j;
                return escaped(start);
            }
            if (c < 0x20 || c == 0x7f) { // control characters, and every byte outside ASCII (negative)
                throw GIVE_UP;
            }
            j++;
        }
        i = j + 1;
        int length = j - start;
        if (length > MAX_TEXT) {
            throw GIVE_UP;
        }
        if (!name || length == 0) {
            return new String(b, start, length, StandardCharsets.ISO_8859_1);
        }
        // Length and the bytes at both ends tell most names apart; a collision only costs a miss.
        int slot = (length * 31 + b[start] * 7 + b[j - 1]) & (NAMES.length - 1);
        String known = NAMES[slot];
        if (known != null && known.length() == length && sameText(known, start)) {
            return known;
        }
        String made = new String(b, start, length, StandardCharsets.ISO_8859_1);
        NAMES[slot] = made;
        return made;
    }

    private boolean sameText(String known, int start) {
        for (int k = 0; k < known.length(); k++) {
            if (known.charAt(k) != b[start + k]) {
                return false;
            }
        }
        return true;
    }

    /** The rest of a string from its first backslash. */
    private String escaped(int start) {
        StringBuilder s = new StringBuilder(i - start + 16).append(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        while (true) {
            int c = next();
            if (c == '"') {
                if (s.length() > MAX_TEXT) {
                    throw GIVE_UP;
                }
                return s.toString();
            }
            if (c < 0x20 || c >= 0x7f) {
                throw GIVE_UP;
            }
            if (c != '\\') {
                s.append((char) c);
                continue;
            }
            int e = next();
            switch (e) {
                case '"', '\\', '/' -> s.append((char) e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append((char) (hex() << 12 | hex() << 8 | hex() << 4 | hex()));
                default -> throw GIVE_UP;
            }
        }
    }

    private int hex() {
        int c = next();
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw GIVE_UP;
    }

    /**
     * A JSON number, as its text: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, followed by a delimiter
     * (so a leading zero, as in {@code 01}, is left to Jackson, which rejects it).
     */
    private String number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        int c = next();
        if (c >= '1' && c <= '9') {
            digits(0);
        } else if (c != '0') {
            throw GIVE_UP;
        }
        if (peek() == '.') {
            i++;
            digits(1);
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            digits(1);
        }
        delimiter();
        if (i - start > MAX_NUMBER) {
            throw GIVE_UP;
        }
        return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
    }

    private void digits(int atLeast) {
        int n = 0;
        while (isDigit(peek())) {
            i++;
            n++;
        }
        if (n < atLeast) {
            throw GIVE_UP;
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (next() != word.charAt(k)) {
                throw GIVE_UP;
            }
        }
        delimiter();
    }

    /** What follows a number or a literal must end it (Jackson reads {@code 1x} or {@code nullx} as an error). */
    private void delimiter() {
        int c = peek();
        if (!(c == -1 || c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            throw GIVE_UP;
        }
    }

    private void skipSpace() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw GIVE_UP;
        }
    }

    /** The next byte (0–255), consumed; gives up at the end. */
    private int next() {
        if (i >= b.length) {
            throw GIVE_UP;
        }
        return b[i++] & 0xff;
    }

    /** The next byte (0–255) without consuming it, or -1 at the end. */
    private int peek() {
        return i < b.length ? b[i] & 0xff : -1;
    }
}
