package io.datamesh.sources;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A source position as bytes whose unsigned order is the positions' order: within one stream the
 * order the source wrote them in ({@link SourcePosition#isAfter}: GTID, binlog file number, position,
 * row; Kafka offset), across streams and for ids a fixed, arbitrary one. Stores append it to a version's key to keep apart versions with equal
 * times ({@code BitemporalKey#encode(String, long, long, byte[])}): two changes of a row in the same
 * second, two clicks in the same millisecond.
 *
 * <p>Layout: kind (1 byte) | source | [CDC: GTID domain and sequence, or nothing; binlog base name and
 * number] | segment | offset (8 bytes) | row (4 bytes) | id [| entity], each text UTF-8 with 0x00
 * written as 0x00 0xFF and ended by 0x00 0x00, numbers big-endian with the sign bit flipped. The
 * first byte is a kind's ordinal, never 0xFF: a key followed by 0xFF is above every tie-break.
 */
public final class SourceOrder {

    private SourceOrder() {
    }

    /** The position's bytes. */
    public static byte[] of(SourcePosition p) {
        return write(p).toByteArray();
    }

    /** The position's bytes, then the entity's: records of several entities from one source position. */
    public static byte[] of(SourcePosition p, String entity) {
        ByteArrayOutputStream out = write(p);
        text(out, entity);
        return out.toByteArray();
    }

    private static ByteArrayOutputStream write(SourcePosition p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(p.kind().ordinal());
        text(out, p.source());
        if (p.kind() == SourcePosition.Kind.CDC) {
            SourcePosition.Gtid gtid = SourcePosition.Gtid.parse(p.id());
            if (gtid == null) {
                out.write(0);
            } else {
                out.write(1);
                text(out, gtid.domain());
                number(out, gtid.sequence());
            }
            SourcePosition.BinlogFile file = SourcePosition.BinlogFile.parse(p.segment());
            text(out, file.basename());
            number(out, file.sequence());
        }
        text(out, p.segment());
        out.writeBytes(ByteBuffer.allocate(12).putLong(p.offset() ^ Long.MIN_VALUE).putInt(p.row() ^ Integer.MIN_VALUE).array());
        text(out, p.id() == null ? "" : p.id());
        return out;
    }

    private static void number(ByteArrayOutputStream out, long n) {
        out.writeBytes(ByteBuffer.allocate(8).putLong(n ^ Long.MIN_VALUE).array());
    }

    private static void text(ByteArrayOutputStream out, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(0);
    }
}
