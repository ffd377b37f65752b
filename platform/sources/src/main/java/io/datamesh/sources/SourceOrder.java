package io.datamesh.sources;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        Bytes out = write(p);
        out.text(entity);
        return out.toByteArray();
    }

    /**
     * A place outside every position's ({@code first}, a byte no kind's ordinal takes, as a tie-break's
     * place for corrections), then the entity's text as {@link #of(SourcePosition, String)} writes it.
     */
    public static byte[] placed(byte first, String entity) {
        Bytes out = new Bytes();
        out.put(first);
        out.text(entity);
        return out.toByteArray();
    }

    private static Bytes write(SourcePosition p) {
        Bytes out = new Bytes();
        out.put(p.kind().ordinal());
        out.text(p.source());
        if (p.kind() == SourcePosition.Kind.CDC) {
            SourcePosition.Gtid gtid = SourcePosition.Gtid.parse(p.id());
            if (gtid == null) {
                out.put(0);
            } else {
                out.put(1);
                out.text(gtid.domain());
                out.number(gtid.sequence());
            }
            SourcePosition.BinlogFile file = SourcePosition.BinlogFile.parse(p.segment());
            out.text(file.basename());
            out.number(file.sequence());
        }
        out.text(p.segment());
        out.number(p.offset());
        out.number(p.row());
        out.text(p.id() == null ? "" : p.id());
        return out;
    }

    /**
     * A growing byte array, not synchronized: a view computes a tie-break for every version it writes,
     * and a {@code ByteArrayOutputStream} locks for every byte.
     */
    private static final class Bytes {
        private byte[] buf = new byte[64];
        private int count;

        void put(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        /** {@code n} big-endian, sign bit flipped: unsigned byte order is the numbers' order. */
        void number(long n) {
            ensure(8);
            long v = n ^ Long.MIN_VALUE;
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[count++] = (byte) (v >>> shift);
            }
        }

        void number(int n) {
            ensure(4);
            int v = n ^ Integer.MIN_VALUE;
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[count++] = (byte) (v >>> shift);
            }
        }

        /** UTF-8, each 0x00 written as 0x00 0xFF, ended by 0x00 0x00. */
        void text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ensure(2 * utf8.length + 2);
            for (byte b : utf8) {
                buf[count++] = b;
                if (b == 0) {
                    buf[count++] = (byte) 0xFF;
                }
            }
            buf[count++] = 0;
            buf[count++] = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, count + more));
            }
        }
    }
}
