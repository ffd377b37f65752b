package io.datamesh.sdk.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

/**
 * A correction's tie-break with an entity is stored in derivations' keys: its bytes may never change.
 * They are held here to the layout written out by hand (0xFE, then the entity's UTF-8 with each NUL
 * as 0x00 0xFF, then 0x00 0x00), and a correction's place is above every source position's.
 */
class TieBreakTest {

    @Test
    void aCorrectionOfAnEntityKeepsItsLayoutAndItsPlaceAboveEveryPosition() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "ab\u0000\u00ff\u00e9\u20ac#|%";
        for (int trial = 0; trial < 5_000; trial++) {
            StringBuilder entity = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                entity.append(random.nextInt(20) == 0 ? "\uD83C\uDF55" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            String e = entity.toString();
            SourcePosition position = position(random);
            byte[] correction = TieBreak.of(Operation.CORRECTION, position, e);
            assertThat(correction).as("seed %d trial %d: '%s'", seed, trial, e).isEqualTo(byHand(e));
            byte[] upsert = TieBreak.of(Operation.UPSERT, position, e);
            assertThat(Arrays.compareUnsigned(correction, upsert)).as("seed %d trial %d", seed, trial).isPositive();
        }
    }

    private static byte[] byHand(String entity) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFE);
        for (byte b : entity.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    private static SourcePosition position(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> SourcePosition.cdc("db", "bin.00000" + random.nextInt(9), random.nextLong(0, Long.MAX_VALUE), random.nextInt(5), null);
            case 1 -> SourcePosition.kafka("t", random.nextInt(8), random.nextLong(0, Long.MAX_VALUE));
            case 2 -> SourcePosition.bus("q", "m-" + random.nextInt());
            case 3 -> SourcePosition.click("c", "k-" + random.nextInt());
            default -> SourcePosition.replay("d.dlq", random.nextLong(0, Long.MAX_VALUE));
        };
    }
}
