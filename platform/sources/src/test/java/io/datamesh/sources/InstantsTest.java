package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;

import org.junit.jupiter.api.Test;

class InstantsTest {

    @Test
    void readsWhatInstantParseReadsForRandomInstantsAndPrecisions() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            String text = switch (random.nextInt(4)) {
                case 0 -> t.toString();
                case 1 -> Instant.ofEpochSecond(t.getEpochSecond()).toString();
                case 2 -> Instant.ofEpochMilli(t.toEpochMilli()).toString();
                default -> t.toString().replace("Z", "+00:00");
            };
            assertThat(Instants.parse(text)).as("%s (seed %d)", text, seed).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void formatsWhatInstantToStringWritesForRandomAndExtremeInstants() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long[] edges = {0, -1, 1, 86_399, 86_400, -86_400, -86_401, 951_782_400L /* 2000-02-29 */, 4_107_456_000L /* 2100-03-01 */,
                -62_167_219_200L, -62_167_219_201L, 253_402_300_799L, 253_402_300_800L, Instant.MIN.getEpochSecond(),
                Instant.MAX.getEpochSecond(), -2_208_988_800L /* 1900-01-01 */};
        int[] nanos = {0, 1, 999_999_999, 1_000, 1_000_000, 250_000_000, 123_456_000, 100};
        for (long s : edges) {
            for (int n : nanos) {
                Instant t = Instant.ofEpochSecond(s, n);
                assertThat(Instants.format(t)).as("%s", t).isEqualTo(t.toString());
            }
        }
        for (int i = 0; i < 200_000; i++) {
            long s = random.nextInt(3) == 0 ? random.nextLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
                    : random.nextLong(-62_167_219_200L - 86_400 * 400L, 253_402_300_799L + 86_400 * 400L);
            int n = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(s, n);
            assertThat(Instants.format(t)).as("%s (seed %d)", t, seed).isEqualTo(t.toString());
        }
    }

    @Test
    void readsEveryFractionLength() {
        String base = "2018-07-08T10:30:00";
        String digits = "123456789";
        assertThat(Instants.parse(base + "Z")).isEqualTo(Instant.parse(base + "Z"));
        for (int n = 1; n <= 9; n++) {
            String text = base + "." + digits.substring(0, n) + "Z";
            assertThat(Instants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesOtherShapesToTheJdkWithTheSameAnswer() {
        for (String text : new String[] {"2018-07-08T12:30:00+02:00", "2018-07-08T10:30:00.5-01:30", "+12018-07-08T10:30:00Z",
                "2016-12-31T23:59:60Z", "2018-07-08T10:30:00.Z"}) {
            assertThat(Instants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String text : new String[] {"", "2018-07-08", "2018-07-08T10:30Z", "2018-02-30T10:30:00Z", "2018-13-01T10:30:00Z",
                "2018-07-08T25:30:00Z", "2018-07-08T10:60:00Z", "2018-07-08T10:30:00.1234567890Z",
                "2018-07-08 10:30:00Z", "2018-07-0xT10:30:00Z", "2018-07-08T10:30:00", "yesterday"}) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> Instants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
