package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link SourceOrder} writes the bytes its first, obvious version wrote (kept here as the reference): stores
 * hold keys made of them, so a change of a single byte would split one version's history in two.
 */
class SourceOrderBytesTest {

    private static final String[] TEXTS = {"", "orders-db", "orders-db@2", "q", "a\u0000b", "\u0000", "é日本", "mariadb-bin", "x".repeat(90)};
    private static final String[] SEGMENTS = {"", "mariadb-bin.000001", "mariadb-bin.999999", "bin.1", "log", "a.b.000007", "\u0000.1"};
    private static final String[] IDS = {null, "", "0-1-515", "12-3-9223372036854775807", "m1", "o1-1:ORDERED", "a\u0000", "1-2"};
    private static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 255, 256, 1L << 40};
    private static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 255};

    @Test
    void theBytesAreTheReferencesForRandomAndExtremePositions() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int checked = 0;
        for (int trial = 0; trial < 50_000; trial++) {
            SourcePosition.Kind kind = SourcePosition.Kind.values()[random.nextInt(SourcePosition.Kind.values().length)];
            SourcePosition p;
            try {
                p = new SourcePosition(kind, pick(random, TEXTS), pick(random, SEGMENTS),
                        random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong(),
                        random.nextBoolean() ? INTS[random.nextInt(INTS.length)] : random.nextInt(), pick(random, IDS));
            } catch (RuntimeException invalid) {
                continue; // not a position the platform makes
            }
            String entity = pick(random, TEXTS);
            String context = "seed " + seed + " trial " + trial + ": " + p;
            assertThat(SourceOrder.of(p)).as(context).isEqualTo(reference(p).toByteArray());
            ByteArrayOutputStream withEntity = reference(p);
            text(withEntity, entity);
            assertThat(SourceOrder.of(p, entity)).as(context + " entity " + entity).isEqualTo(withEntity.toByteArray());
            checked++;
        }
        assertThat(checked).as("positions checked").isGreaterThan(10_000);
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** SourceOrder as it was first written, through a ByteArrayOutputStream. */
    private static ByteArrayOutputStream reference(SourcePosition p) {
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
                out.writeBytes(ByteBuffer.allocate(8).putLong(gtid.sequence() ^ Long.MIN_VALUE).array());
            }
            SourcePosition.BinlogFile file = SourcePosition.BinlogFile.parse(p.segment());
            text(out, file.basename());
            out.writeBytes(ByteBuffer.allocate(8).putLong(file.sequence() ^ Long.MIN_VALUE).array());
        }
        text(out, p.segment());
        out.writeBytes(ByteBuffer.allocate(12).putLong(p.offset() ^ Long.MIN_VALUE).putInt(p.row() ^ Integer.MIN_VALUE).array());
        text(out, p.id() == null ? "" : p.id());
        return out;
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
