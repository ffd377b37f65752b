package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SourceHeadersTest {

    /** The header as DESIGN defines it: fields joined by ';', each URL-encoded. */
    private static String reference(SourcePosition p) {
        return String.join(";", p.kind().name(), URLEncoder.encode(p.source(), StandardCharsets.UTF_8),
                URLEncoder.encode(p.segment(), StandardCharsets.UTF_8), String.valueOf(p.offset()), String.valueOf(p.row()),
                p.id() == null ? "" : URLEncoder.encode(p.id(), StandardCharsets.UTF_8));
    }

    /**
     * One reader kept across records of a few streams (it remembers the last stream) reads each header as a
     * fresh reader does: the same position, or the same error, also right after a bad header.
     */
    @Test
    void aReaderKeptAcrossRecordsReadsAsAFreshOne() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SourceHeaders.PositionReader kept = new SourceHeaders.PositionReader();
        String[] streams = {"CDC;db;bin.000001;", "CDC;db;bin.000002;", "CDC;db2;bin.000001;", "BUS;kitchen;;", "KAFKA;t;0;", "CDC;d%3Bb;x;",
                "NOPE;db;bin.000001;", "CDC;db;bin.00000"};
        for (int i = 0; i < 20_000; i++) {
            String header = streams[random.nextInt(streams.length)] + (random.nextInt(20) == 0 ? "x" : random.nextInt(1_000_000)) + ";"
                    + random.nextInt(5) + ";" + (random.nextBoolean() ? "" : "m" + random.nextInt(100));
            byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
            assertThat(read(kept, bytes)).as("seed %d, %s", seed, header).isEqualTo(read(new SourceHeaders.PositionReader(), bytes));
        }
    }

    private static String read(SourceHeaders.PositionReader reader, byte[] header) {
        try {
            return reader.decode(header).toString();
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void encodesAsDefinedAndDecodesBackForRandomPositions() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "abcXYZ019.-_*;%+ /|é€#";
        for (int i = 0; i < 20_000; i++) {
            SourcePosition.Kind kind = SourcePosition.Kind.values()[random.nextInt(SourcePosition.Kind.values().length)];
            String id = kind.ordered() && random.nextBoolean() ? null : "i" + text(random, alphabet);
            SourcePosition p = new SourcePosition(kind, "s" + text(random, alphabet), text(random, alphabet),
                    random.nextLong(0, Long.MAX_VALUE), random.nextInt(0, Integer.MAX_VALUE), id);
            String header = SourceHeaders.encode(p);
            assertThat(header).as("seed %d", seed).isEqualTo(reference(p));
            assertThat(SourceHeaders.decode(header)).as("seed %d", seed).isEqualTo(p);
            assertThat(SourceHeaders.decode(header.getBytes(StandardCharsets.UTF_8))).as("seed %d", seed).isEqualTo(p);
        }
    }

    @Test
    void headersOfInterleavedStreamsDecodeEachToItsOwnStream() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SourcePosition[] streams = {SourcePosition.cdc("db", "bin.000001", 0, 0, null), SourcePosition.cdc("db", "bin.000002", 0, 0, null),
            SourcePosition.cdc("db2", "bin.000001", 0, 0, null), new SourcePosition(SourcePosition.Kind.KAFKA, "db", "bin.000001", 0, 0, null)};
        for (int i = 0; i < 10_000; i++) {
            SourcePosition s = streams[random.nextInt(random.nextBoolean() ? 1 : streams.length)];
            SourcePosition p = new SourcePosition(s.kind(), s.source(), s.segment(), random.nextLong(0, Long.MAX_VALUE),
                    random.nextInt(0, Integer.MAX_VALUE), null);
            RecordHeaders headers = new RecordHeaders();
            SourceHeaders.write(headers, Instant.ofEpochMilli(i), p);
            assertThat(SourceHeaders.position(headers, null)).as("seed %d", seed).isEqualTo(p);
            assertThat(SourceHeaders.recordedAt(headers, null)).isEqualTo(Instant.ofEpochMilli(i));
        }
    }

    @Test
    void refusesARecordedAtThatIsNotEpochMilliseconds() {
        for (String v : new String[] {"", "x", "12a", "99999999999999999999", "2018-07-08T10:00:00Z"}) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(SourceHeaders.RECORDED_AT, v.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> SourceHeaders.recordedAt(headers, null)).as(v).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("header " + SourceHeaders.RECORDED_AT + " must be epoch milliseconds, was '" + v + "'");
        }
        RecordHeaders negative = new RecordHeaders();
        negative.add(SourceHeaders.RECORDED_AT, "-1000".getBytes(StandardCharsets.UTF_8));
        assertThat(SourceHeaders.recordedAt(negative, null)).isEqualTo(Instant.ofEpochMilli(-1000));
    }

    private static String text(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void refusesMalformedHeadersNamingTheHeader() {
        for (String header : new String[] {"", "CDC;db;bin.000001;4;0", "CDC;db;bin.000001;4;0;;", "CDC;db;bin.000001;x;0;",
                "CDC;db;bin.000001;4;y;", "NOPE;db;;4;0;", "BUS;queue;;0;0;", "CDC;db;bin.000001;4;3000000000;",
                "CDC;db;bin.000001;;0;", "CDC;db;bin.000001;99999999999999999999;0;"}) {
            assertThatThrownBy(() -> SourceHeaders.decode(header)).as(header).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(SourceHeaders.SOURCE);
            assertThatThrownBy(() -> SourceHeaders.decode(header.getBytes(StandardCharsets.UTF_8))).as(header)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SourceHeaders.SOURCE).hasMessageContaining(header);
        }
    }
}
