package io.datamesh.sources;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * How sources (CDC, bus bridge, collector) tell a domain when the platform recorded a raw record
 * and where it came from: two headers on every raw record. A raw record without them gets its
 * Kafka timestamp as recordedAt and its topic/partition/offset as position.
 *
 * <pre>
 *   mesh.recorded.at  epoch milliseconds, decimal
 *   mesh.source       kind;source;segment;offset;row;id  (each field URL-encoded)
 * </pre>
 */
public final class SourceHeaders {

    public static final String RECORDED_AT = "mesh.recorded.at";
    public static final String SOURCE = "mesh.source";
    /** Set by {@code mesh dlq replay}: {@code <dlq topic>@<offset>} of the dead letter re-injected. */
    public static final String REPLAY_OF = "mesh.dlq.replay-of";

    private SourceHeaders() {
    }

    /** Writes both headers. */
    public static void write(Headers headers, Instant recordedAt, SourcePosition position) {
        headers.remove(RECORDED_AT).remove(SOURCE);
        headers.add(RECORDED_AT, String.valueOf(recordedAt.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE, encode(position).getBytes(StandardCharsets.UTF_8));
    }

    /** The recorded-at header, or {@code fallback}. */
    public static Instant recordedAt(Headers headers, Instant fallback) {
        Header h = headers.lastHeader(RECORDED_AT);
        if (h == null) {
            return fallback;
        }
        byte[] bytes = h.value();
        try {
            return Instant.ofEpochMilli(parseLong(bytes, 0, bytes == null ? 0 : bytes.length));
        } catch (NumberFormatException e) {
            String v = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            throw new IllegalArgumentException("header " + RECORDED_AT + " must be epoch milliseconds, was '" + v + "'", e);
        }
    }

    /** The source header, or {@code fallback}. */
    public static SourcePosition position(Headers headers, SourcePosition fallback) {
        Header h = headers.lastHeader(SOURCE);
        return h == null ? fallback : decode(h.value() == null ? new byte[0] : h.value());
    }

    /** A reader per thread for {@link #decode(byte[])}. */
    private static final ThreadLocal<PositionReader> READERS = ThreadLocal.withInitial(PositionReader::new);

    /** A position from the header's bytes: {@code kind;source;segment;offset;row;id}, text fields URL-encoded. */
    public static SourcePosition decode(byte[] v) {
        return READERS.get().decode(v);
    }

    /**
     * Reads source positions as {@link SourceHeaders#decode(byte[])} does, keeping the stream (kind, source,
     * segment) of the last one: consecutive records mostly share it, and then only offset, row and id are read.
     * One reader per thread (a processor keeps its own); not thread-safe.
     */
    public static final class PositionReader {
        private byte[] prefix = new byte[0];
        private SourcePosition.Kind kind;
        private String source;
        private String segment;

        /** A position from the header's bytes: {@code kind;source;segment;offset;row;id}, text fields URL-encoded. */
        public SourcePosition decode(byte[] v) {
            int[] at = new int[5];
            int from = 0;
            for (int i = 0; i < at.length; i++) {
                at[i] = indexOf(v, from);
                if (at[i] < 0) {
                    throw notSixFields(v);
                }
                from = at[i] + 1;
            }
            if (indexOf(v, from) >= 0) {
                throw notSixFields(v);
            }
            try {
                if (!sameStream(v, at[2])) {
                    SourcePosition.Kind k = kind(new String(v, 0, at[0], StandardCharsets.UTF_8));
                    String s = dec(new String(v, at[0] + 1, at[1] - at[0] - 1, StandardCharsets.UTF_8));
                    String g = dec(new String(v, at[1] + 1, at[2] - at[1] - 1, StandardCharsets.UTF_8));
                    prefix = java.util.Arrays.copyOf(v, at[2]);
                    kind = k;
                    source = s;
                    segment = g;
                }
                long offset = parseLong(v, at[2] + 1, at[3]);
                long row = parseLong(v, at[3] + 1, at[4]);
                if (row != (int) row) {
                    throw new NumberFormatException("row out of range: " + row);
                }
                String id = at[4] + 1 == v.length ? null : dec(new String(v, at[4] + 1, v.length - at[4] - 1, StandardCharsets.UTF_8));
                return new SourcePosition(kind, source, segment, offset, (int) row, id);
            } catch (IllegalArgumentException e) {
                String s = new String(v, StandardCharsets.UTF_8);
                throw new IllegalArgumentException("header " + SOURCE + " is not a source position: '" + s + "': " + e.getMessage(), e);
            }
        }

        /** Whether the first {@code length} bytes of {@code v} are those of the last stream read. */
        private boolean sameStream(byte[] v, int length) {
            return kind != null && java.util.Arrays.equals(prefix, 0, prefix.length, v, 0, length);
        }
    }

    private static IllegalArgumentException notSixFields(byte[] v) {
        return new IllegalArgumentException("header " + SOURCE + " must be kind;source;segment;offset;row;id, was '"
                + new String(v, StandardCharsets.UTF_8) + "'");
    }

    private static int indexOf(byte[] v, int from) {
        for (int i = from; i < v.length; i++) {
            if (v[i] == ';') {
                return i;
            }
        }
        return -1;
    }

    /** Plain digits are read in place; anything else (a sign, too many digits, not a number) as {@link Long#parseLong} reads it. */
    private static long parseLong(byte[] v, int from, int to) {
        if (v == null || to - from < 1 || to - from > 18) {
            return Long.parseLong(v == null ? "" : new String(v, from, to - from, StandardCharsets.UTF_8));
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = v[i] - '0';
            if (d < 0 || d > 9) {
                return Long.parseLong(new String(v, from, to - from, StandardCharsets.UTF_8));
            }
            n = n * 10 + d;
        }
        return n;
    }

    /** The replay identity of a re-injected dead letter, or null for a record straight from its source. */
    public static SourcePosition replayOf(Headers headers) {
        Header h = headers.lastHeader(REPLAY_OF);
        if (h == null) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8);
        int at = v.lastIndexOf('@');
        try {
            return SourcePosition.replay(v.substring(0, at), Long.parseLong(v.substring(at + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("header " + REPLAY_OF + " must be <dlq topic>@<offset>, was '" + v + "'", e);
        }
    }

    public static String encode(SourcePosition p) {
        StringBuilder b = new StringBuilder(64).append(p.kind().name()).append(';');
        enc(b, p.source()).append(';');
        enc(b, p.segment()).append(';').append(p.offset()).append(';').append(p.row()).append(';');
        if (p.id() != null) {
            enc(b, p.id());
        }
        return b.toString();
    }

    /** A position from the header's text. */
    public static SourcePosition decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    private static SourcePosition.Kind kind(String name) {
        return switch (name) {
            case "CDC" -> SourcePosition.Kind.CDC;
            case "KAFKA" -> SourcePosition.Kind.KAFKA;
            default -> SourcePosition.Kind.valueOf(name);
        };
    }

    /** URL-encoded, as {@link URLEncoder} does; text that needs no escaping (the usual case) is appended as is. */
    private static StringBuilder enc(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '*')) {
                return b.append(URLEncoder.encode(s, StandardCharsets.UTF_8));
            }
        }
        return b.append(s);
    }

    private static String dec(String s) {
        return s.indexOf('%') < 0 && s.indexOf('+') < 0 ? s : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
