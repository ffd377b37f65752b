package io.datamesh.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The order of a CDC stream's positions, as the replay guard and the stores' tie-breaks read it. */
class SourcePositionOrderTest {

    private static SourcePosition cdc(String file, long pos, int row, String gtid) {
        return SourcePosition.cdc("orders-db", file, pos, row, gtid);
    }

    @Test
    void binlogFilesAreOrderedByTheirNumberNotTheirName() {
        assertThat(cdc("mariadb-bin.1000000", 4, 0, null).isAfter(cdc("mariadb-bin.999999", 900, 0, null))).isTrue();
        assertThat(cdc("mariadb-bin.000010", 4, 0, null).isAfter(cdc("mariadb-bin.000009", 900, 0, null))).isTrue();
        assertThat(cdc("mariadb-bin.000009", 900, 0, null).isAfter(cdc("mariadb-bin.000010", 4, 0, null))).isFalse();
    }

    @Test
    void gtidsOrderAStreamAcrossAFailoverToAServerWithOtherFileNames() {
        SourcePosition onPrimary = cdc("primary-bin.000042", 91_000, 0, "0-1-1042");
        SourcePosition onReplica = cdc("replica-bin.000003", 1_200, 0, "0-1-1043");
        assertThat(onReplica.isAfter(onPrimary)).isTrue();
        assertThat(onPrimary.isAfter(onReplica)).isFalse();
        assertThat(cdc("replica-bin.000003", 1_100, 0, "0-1-1042").isAfter(onPrimary))
                .as("the same transaction replayed from the replica is not after it").isFalse();
    }

    @Test
    void rowsOfOneTransactionAreOrderedByTheirBinlogCoordinates() {
        assertThat(cdc("mariadb-bin.000001", 500, 1, "0-1-7").isAfter(cdc("mariadb-bin.000001", 500, 0, "0-1-7"))).isTrue();
        assertThat(cdc("mariadb-bin.000001", 620, 0, "0-1-7").isAfter(cdc("mariadb-bin.000001", 500, 3, "0-1-7"))).isTrue();
    }

    @Test
    void withoutGtidsPositionsOfOneFileAreOrderedByTheirCoordinates() {
        assertThat(cdc("mariadb-bin.000001", 620, 0, null).isAfter(cdc("mariadb-bin.000001", 500, 3, null))).isTrue();
        assertThat(cdc("mariadb-bin.000001", 500, 1, null).isAfter(cdc("mariadb-bin.000001", 500, 0, null))).isTrue();
        assertThat(cdc("mariadb-bin.000001", 500, 0, null).isAfter(cdc("mariadb-bin.000001", 500, 0, null))).isFalse();
        assertThat(cdc("mariadb-bin.000001", 500, 0, null).isAfter(cdc("mariadb-bin.000001", 620, 0, null))).isFalse();
        assertThat(cdc("not-a-binlog-name", 7, 0, null).isAfter(cdc("not-a-binlog-name", 6, 0, null))).isTrue();
    }

    @Test
    void mysqlGtidsAreReadToo() {
        assertThat(SourcePosition.Gtid.parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:23"))
                .isEqualTo(new SourcePosition.Gtid("3E11FA47-71CA-11E1-9E33-C80AA9429562", 23));
        assertThat(SourcePosition.Gtid.parse("0-1-42")).isEqualTo(new SourcePosition.Gtid("0", 42));
        assertThat(SourcePosition.Gtid.parse("not-a-gtid")).isNull();
    }

    @Test
    void aSnapshotRunAndANewEpochAreStreamsOfTheirOwn() {
        SourcePosition change = SourcePosition.cdc("orders-db", "mariadb-bin.000003", 400, 0, "0-1-9");
        SourcePosition read = SourcePosition.cdc("orders-db/snapshot-initial", "", 17, 0, null);
        SourcePosition afterReset = SourcePosition.cdc("orders-db@1", "mariadb-bin.000001", 4, 0, "0-1-1");
        assertThat(change.sameStream(read)).isFalse();
        assertThat(change.sameStream(afterReset)).isFalse();
        assertThat(SourcePosition.cdc("orders-db/snapshot-initial", "", 18, 0, null).isAfter(read)).isTrue();
    }

    @Test
    void theTieBreakBytesSortAsThePositionsOfAStream() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            boolean gtids = random.nextBoolean();
            SourcePosition a = random(random, gtids);
            SourcePosition b = random(random, gtids);
            int bytes = Integer.signum(Arrays.compareUnsigned(SourceOrder.of(a), SourceOrder.of(b)));
            int positions = a.equals(b) ? 0 : a.isAfter(b) ? 1 : b.isAfter(a) ? -1 : 0;
            assertThat(bytes).as("seed=%d: %s vs %s", seed, a, b).isEqualTo(positions);
        }
    }

    private static SourcePosition random(Random random, boolean gtids) {
        long seq = random.nextInt(5);
        String file = "mariadb-bin." + (random.nextBoolean() ? "9" : "") + String.format("%06d", random.nextInt(3) + 999_998);
        // Within one server, a later GTID lies at later binlog coordinates: derive both from one counter.
        long pos = random.nextInt(3) * 100;
        return SourcePosition.cdc("orders-db", gtids ? "mariadb-bin.000001" : file, gtids ? seq * 1000 + pos : pos, random.nextInt(2),
                gtids ? "0-1-" + seq : null);
    }
}
