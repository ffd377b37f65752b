package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HeadroomTest {

    private static final List<Map.Entry<String, Long>> BINLOGS = List.of(
            Map.entry("mariadb-bin.000007", 1_000L), Map.entry("mariadb-bin.000008", 2_000L), Map.entry("mariadb-bin.000009", 500L));

    @Test
    void theHeadroomIsTheBinlogFromTheOldestFileToTheStoredPosition() {
        assertThat(Headroom.of(BINLOGS, "mariadb-bin.000009", 400))
                .isEqualTo(new Headroom(1_000 + 2_000 + 400, 2, "mariadb-bin.000007", "mariadb-bin.000009", true));
        assertThat(Headroom.of(BINLOGS, "mariadb-bin.000007", 120))
                .as("the stored offset is in the oldest file: the next purge bites")
                .isEqualTo(new Headroom(120, 0, "mariadb-bin.000007", "mariadb-bin.000007", true));
    }

    @Test
    void aStoredFileTheServerNoLongerHasIsNotAvailable() {
        assertThat(Headroom.of(BINLOGS, "mariadb-bin.000006", 4).available()).isFalse();
        assertThat(Headroom.of(List.of(), "mariadb-bin.000006", 4).available()).isFalse();
    }
}
