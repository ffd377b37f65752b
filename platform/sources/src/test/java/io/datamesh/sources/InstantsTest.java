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
