package io.datamesh.sdk.record;

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
        String v = new String(h.value(), StandardCharsets.UTF_8);
        try {
            return Instant.ofEpochMilli(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + RECORDED_AT + " must be epoch milliseconds, was '" + v + "'", e);
        }
    }

    /** The source header, or {@code fallback}. */
    public static SourcePosition position(Headers headers, SourcePosition fallback) {
        Header h = headers.lastHeader(SOURCE);
        return h == null ? fallback : decode(new String(h.value(), StandardCharsets.UTF_8));
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
        return String.join(";", p.kind().name(), enc(p.source()), enc(p.segment()), String.valueOf(p.offset()),
                String.valueOf(p.row()), p.id() == null ? "" : enc(p.id()));
    }

    public static SourcePosition decode(String s) {
        String[] f = s.split(";", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("header " + SOURCE + " must be kind;source;segment;offset;row;id, was '" + s + "'");
        }
        try {
            return new SourcePosition(SourcePosition.Kind.valueOf(f[0]), dec(f[1]), dec(f[2]), Long.parseLong(f[3]),
                    Integer.parseInt(f[4]), f[5].isEmpty() ? null : dec(f[5]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header " + SOURCE + " is not a source position: '" + s + "': " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
