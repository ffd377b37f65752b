package io.datamesh.sources;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
     * The bytes a string's text runs on without a second look, by unsigned value: printable ASCII but
     * the quote and the backslash. One table lookup a byte is cheaper than comparing each byte four ways.
     */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x7f; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    /** Strings of one printable ASCII character, by that character: {@code op} is one of them. */
    private static final String[] ONE_CHAR = new String[0x7f];

    static {
        for (char c = ' '; c < 0x7f; c++) {
            ONE_CHAR[c] = String.valueOf(c).intern();
        }
    }

    private final byte[] b;
    private int i;
    /** The last name or value read as a span of {@link #b}: a string's text without its quotes, a number's text. */
    private int spanFrom;
    private int spanTo;
    /** The last field name when it had escapes (then it is not a span of the bytes), else null. */
    private String nameText;

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
                fieldName();
                int c = peek();
                if (nameIs("op")) {
                    op = c == '"' ? text() : c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9') ? scalar() : skipNull(depth);
                } else if (nameIs("before")) {
                    before = c == '{' ? row() : skipNull(depth);
                } else if (nameIs("after")) {
                    after = c == '{' ? row() : skipNull(depth);
                } else if (nameIs("payload")) {
                    payload = c == '{' ? enter(depth) : skipNull(depth);
                } else {
                    skipValue(depth);
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

    /**
     * A row object at {@code {}: scalar columns only. Names and values stay spans of the bytes,
     * read when the mapping asks for them; only text with escapes is made here.
     */
    private ChangeEvent.Row row() {
        i++;
        ChangeEvent.Row row = new ChangeEvent.Row(b);
        skipSpace();
        if (peek() == '}') {
            i++;
            return row;
        }
        do {
            fieldName();
            String name = nameText;
            int nameFrom = spanFrom;
            int nameTo = spanTo;
            int c = peek();
            if (c == '"') {
                String escaped = string();
                row.add(name, nameFrom, nameTo, escaped, spanFrom, spanTo, false);
            } else if (c == 'n') {
                literal("null");
                row.add(name, nameFrom, nameTo, ChangeEvent.Row.NULL, 0, 0, false);
            } else if (c == 't' || c == 'f') {
                row.add(name, nameFrom, nameTo, scalar(), 0, 0, false);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                number();
                row.add(name, nameFrom, nameTo, null, spanFrom, spanTo, true);
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
        number();
        return ascii(b, spanFrom, spanTo);
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

    /**
     * A field's name and the colon after it, with the spaces around them: the name is the span, or
     * {@link #nameText} when it had escapes.
     */
    private void fieldName() {
        skipSpace();
        nameText = string();
        skipSpace();
        expect(':');
        skipSpace();
    }

    /** Whether the last field name is {@code name}. */
    private boolean nameIs(String name) {
        return nameText != null ? nameText.equals(name) : spells(b, spanFrom, spanTo, name);
    }

    /** The ASCII bytes {@code b[from, to)} as text, one byte a character. */
    static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Whether the ASCII bytes {@code b[from, to)} (one byte a character, as the scanner reads them) are {@code text}. */
    static boolean spells(byte[] b, int from, int to, String text) {
        if (to - from != text.length()) {
            return false;
        }
        int slot = text.hashCode() & (ASCII_NAMES.length - 1);
        AsciiName known = ASCII_NAMES[slot];
        if (known == null) {
            known = new AsciiName(text);
            ASCII_NAMES[slot] = known;
        }
        if (known.bytes != null && (known.text == text || known.text.equals(text))) {
            return known.isAt(b, from);
        }
        for (int k = 0; k < text.length(); k++) {
            if (b[from + k] != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes of names asked for, by their hash: a mapping asks for the same few column names record
     * after record, and comparing a kept name's words with the span's is two loads. The first name in a slot keeps
     * it (another name of the same slot is compared char by char, nothing allocated per call); a slot
     * holds one immutable entry, so threads filling it at once never see half of one.
     */
    private static final AsciiName[] ASCII_NAMES = new AsciiName[256];

    /** Eight bytes of an array at any index, as one {@code long} (little-endian: the first byte lowest). */
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * A name and its bytes when it is ASCII (a scanned span is), else null bytes: compared char by char.
     * A name of at most 16 bytes (column names mostly are) is also kept as two words, compared with the
     * span's in two loads: a name of 8 to 16 bytes is its first eight and its last eight (overlapping when
     * shorter than 16), one of fewer than 8 the word at its start with the bytes after it masked off.
     */
    private static final class AsciiName {
        final String text;
        final byte[] bytes;
        private final long head;
        private final long tail;
        private final long mask;

        AsciiName(String text) {
            this.text = text;
            this.bytes = text.chars().allMatch(c -> c < 0x80) ? text.getBytes(StandardCharsets.US_ASCII) : null;
            int n = bytes == null ? 0 : bytes.length;
            // Zeros after a name shorter than a word; a name that is not ASCII keeps words it never uses.
            byte[] padded = Arrays.copyOf(bytes == null ? new byte[0] : bytes, Math.max(n, 8));
            this.mask = n >= 8 ? -1L : (1L << 8 * n) - 1;
            this.head = (long) WORD.get(padded, 0) & mask;
            this.tail = (long) WORD.get(padded, Math.max(n, 8) - 8);
        }

        /** Whether {@code b} holds this (ASCII) name's bytes at {@code from}; there are at least as many bytes there. */
        boolean isAt(byte[] b, int from) {
            int n = bytes.length;
            if (n >= 8 && n <= 16) {
                return (long) WORD.get(b, from) == head && (long) WORD.get(b, from + n - 8) == tail;
            }
            if (n < 8 && b.length - from >= 8) {
                return ((long) WORD.get(b, from) & mask) == head;
            }
            return Arrays.equals(b, from, from + n, bytes, 0, n);
        }
    }

    /** True when the byte just read is {@code close}; gives up otherwise. */
    private boolean back(char close) {
        if (b[i - 1] != close) {
            throw GIVE_UP;
        }
        return false;
    }

    /** A string value at {@code "}, made into a {@code String}. */
    private String text() {
        String escaped = string();
        if (escaped != null) {
            return escaped;
        }
        return spanTo - spanFrom == 1 ? ONE_CHAR[b[spanFrom]] : ascii(b, spanFrom, spanTo);
    }

    /**
     * A string at {@code "}: printable ASCII and the JSON escapes. Without escapes (the usual case)
     * nothing is made: its text is the span, and the answer is null; with escapes, the text.
     */
    private String string() {
        expect('"');
        byte[] b = this.b;
        int start = i;
        int j = start;
        while (j < b.length && PLAIN[b[j] & 0xff]) {
            j++;
        }
        if (j >= b.length) {
            throw GIVE_UP;
        }
        byte c = b[j];
        if (c == '\\') {
            i = j;
            return escaped(start);
        }
        if (c != '"') { // control characters, and every byte outside ASCII
            throw GIVE_UP;
        }
        i = j + 1;
        if (j - start > MAX_TEXT) {
            throw GIVE_UP;
        }
        spanFrom = start;
        spanTo = j;
        return null;
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
     * A JSON number, as the span of its text: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, followed by
     * a delimiter (so a leading zero, as in {@code 01}, is left to Jackson, which rejects it).
     */
    private void number() {
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
        spanFrom = start;
        spanTo = i;
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
