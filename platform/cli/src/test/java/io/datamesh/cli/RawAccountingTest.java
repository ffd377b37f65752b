package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

/** The raw ⇄ product arithmetic on its own: each fate of a raw record, as the ingest decides it, and each way it can fail. */
class RawAccountingTest {

    static final String RAW = "shop.raw.orders";
    static final String PRODUCT = "shop.product.orders.v1";

    final List<RawAccounting.Raw> raw = new ArrayList<>();
    final List<RawAccounting.Published> published = new ArrayList<>();
    final List<RawAccounting.Letter> letters = new ArrayList<>();

    static SourcePosition at(long binlog) {
        return SourcePosition.cdc("db", "bin.000001", binlog, 0, null);
    }

    void raw(int partition, long offset, String key, SourcePosition p) {
        raw.add(new RawAccounting.Raw(partition, offset, key, SourceHeaders.encode(p), false, true, false));
    }

    void product(int partition, long offset, String key, SourcePosition p) {
        published.add(new RawAccounting.Published(partition, offset, new EnvelopeReader.Envelope(key, 1000, 2000, Operation.UPSERT, p,
                new byte[32], true)));
    }

    AuditReport account() {
        AuditReport report = new AuditReport("shop");
        RawAccounting.account(report, PRODUCT, RAW, raw, Map.of(0, 0L), published, Map.of(), letters);
        return report;
    }

    List<String> row(AuditReport report, String partition) {
        return report.tables.get(0).rows().stream().filter(r -> r.get(0).equals(partition)).findFirst().orElseThrow();
    }

    @Test
    void everyFateIsCountedAndTheSumAgrees() {
        raw(0, 0, "a", at(1));
        product(0, 0, "a", at(1));
        raw(0, 1, "b", at(2)); // dead-lettered, then replayed after the fix and published
        letters.add(new RawAccounting.Letter(0, 0, 1, "mapping failed: bad b"));
        raw(0, 2, "a", at(1)); // the source sent a again
        raw.add(new RawAccounting.Raw(0, 3, "c", SourceHeaders.encode(at(3)), true, true, false)); // a tombstone
        raw(0, 4, "b", at(2)); // the replay of b's letter
        product(1, 0, "b", at(2));
        AuditReport report = account();
        assertThat(report.mismatches).isEmpty();
        assertThat(report.exitCode()).isEqualTo(AuditReport.AGREES);
        // partition, raw, published, product records, dead letters, open, replays, tombstones, missing, accounted
        assertThat(row(report, "0")).containsExactly("0", "5", "2", "2", "1", "0", "1", "1", "0", "yes", "0");
    }

    @Test
    void aLetterNotReplayedIsOpenWithItsReason() {
        raw(0, 0, "b", at(2));
        letters.add(new RawAccounting.Letter(7, 0, 0, "mapping failed: bad b\nat line 3"));
        AuditReport report = account();
        assertThat(report.exitCode()).isEqualTo(AuditReport.OPEN_DEAD_LETTERS);
        assertThat(report.mismatches).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(AuditReport.DEAD_LETTER);
            assertThat(m.key()).isEqualTo("b");
            assertThat(m.detail()).isEqualTo(RAW + "-0@0 is dead letter 7: mapping failed: bad b …");
        });
    }

    @Test
    void lostDuplicatedForgedAndChangedRecordsAreNamed() {
        raw(0, 0, "lost", at(1));
        raw(0, 1, "twice", at(2));
        product(0, 0, "twice", at(2));
        product(0, 1, "twice", at(2));
        product(0, 2, "forged", at(99));
        published.add(new RawAccounting.Published(0, 3, new EnvelopeReader.Envelope("changed", 1, 1, Operation.UPSERT, at(2),
                new byte[32], false)));
        AuditReport report = account();
        assertThat(report.exitCode()).isEqualTo(AuditReport.MISMATCH);
        assertThat(report.mismatches).extracting(m -> m.kind() + " " + m.key()).containsExactlyInAnyOrder(
                "missing lost", "duplicate twice", "not from raw forged", "hash mismatch changed");
        assertThat(row(report, "all").get(9)).isEqualTo("NO");
    }

    @Test
    void twoCorrectionsOfOneTimeAreTwoVersionsNotACopy() {
        raw(0, 0, "a", at(1));
        raw(0, 1, "a", at(2));
        published.add(new RawAccounting.Published(0, 0, new EnvelopeReader.Envelope("a", 1, 1, Operation.CORRECTION, at(1), new byte[32], true)));
        published.add(new RawAccounting.Published(0, 1, new EnvelopeReader.Envelope("a", 1, 1, Operation.CORRECTION, at(2), new byte[32], true)));
        assertThat(account().mismatches).isEmpty();
    }

    @Test
    void recordsNotProcessedYetOrWrittenWhileTheAuditReadAreNotAccountedForButExcuseWhatTheyMade() {
        raw(0, 0, "a", at(1));
        product(0, 0, "a", at(1));
        raw.add(new RawAccounting.Raw(0, 1, "new", SourceHeaders.encode(at(2)), false, false, false));
        product(0, 1, "new", at(2));
        raw.add(new RawAccounting.Raw(0, 2, "newer", SourceHeaders.encode(at(3)), false, false, true));
        AuditReport report = account();
        assertThat(report.mismatches).isEmpty();
        assertThat(row(report, "0")).startsWith("0", "1", "1").endsWith("yes", "1");
        assertThat(report.pending).as("newer: not processed by the domain yet").isEqualTo(1);
    }
}
