package io.datamesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sources.Receipt;
import io.datamesh.sources.SourceHeaders;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.Test;

/** Stage source ⇄ product through receipts: each fate of an acknowledged id, and a seeded model of redeliveries and crashes. */
class ReceiptComparisonTest {

    static final String RAW = "kitchen.raw.pizza-events";
    static final String PRODUCT = "kitchen.product.pizza-events.v1";

    final List<RawAccounting.Raw> raw = new ArrayList<>();
    final List<RawAccounting.Published> published = new ArrayList<>();
    final List<RawAccounting.Letter> letters = new ArrayList<>();
    final List<Receipt> receipts = new ArrayList<>();
    final Map<Integer, Long> logStart = new HashMap<>(Map.of(0, 0L, 1, 0L));
    final Map<Integer, Long> read = new HashMap<>();
    final Map<Integer, Long> next = new HashMap<>();

    static SourcePosition message(String id) {
        return SourcePosition.bus("kitchen", id);
    }

    /** A raw record of message {@code id} in {@code partition}, audited or not processed yet; returns its offset. */
    long raw(int partition, String id, boolean audited) {
        long offset = next.merge(partition, 1L, Long::sum) - 1;
        raw.add(new RawAccounting.Raw(partition, offset, id, SourceHeaders.encode(message(id)), false, audited, !audited));
        read.put(partition, offset + 1);
        return offset;
    }

    void receipt(String id, int partition, long offset) {
        receipts.add(new Receipt(message(id), RAW, partition, offset, Instant.parse("2026-12-02T20:00:00Z")));
    }

    void product(String id) {
        published.add(new RawAccounting.Published(0, published.size(), new EnvelopeReader.Envelope(id, 1000, 2000, Operation.UPSERT,
                message(id), new byte[32], true)));
    }

    AuditReport compare() {
        AuditReport report = new AuditReport("kitchen");
        ReceiptComparison.compare(report, PRODUCT, RAW, receipts, raw, logStart, read, published, letters);
        return report;
    }

    static List<String> row(AuditReport report) {
        return report.tables.get(0).rows().get(0);
    }

    @Test
    void eachFateOfAnAcknowledgedIdIsCounted() {
        receipt("published", 0, raw(0, "published", true));
        product("published");
        long lettered = raw(0, "lettered", true);
        receipt("lettered", 0, lettered);
        letters.add(new RawAccounting.Letter(0, 0, lettered, "no pizza_id"));
        receipt("pending", 1, raw(1, "pending", false));
        // redelivered after a crash between its receipt and the bus's ack: two raw records, two receipts, one product record
        receipt("twice", 1, raw(1, "twice", true));
        receipt("twice", 1, raw(1, "twice", true));
        product("twice");
        product("no-receipt"); // stored, the bridge died before its receipt; the bus delivers it again later

        AuditReport report = compare();

        assertThat(report.mismatches).isEmpty();
        assertThat(report.pending).isEqualTo(1);
        // source, acknowledged ids, in product, dead-lettered, not processed yet, before retention, lost, bad receipts, agree
        assertThat(row(report)).containsExactly("BUS kitchen", "4", "2", "1", "1", "0", "0", "0", "yes");
        assertThat(report.notes).singleElement().asString().contains("1 source ids of the bus or the clickstream have no receipt");
    }

    @Test
    void anAcknowledgedIdThatTheProductLacksIsLostAndFailsTheAudit() {
        receipt("gone", 0, raw(0, "gone", true));
        AuditReport report = compare();
        assertThat(report.exitCode()).isEqualTo(AuditReport.MISMATCH);
        assertThat(report.mismatches).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(AuditReport.LOST_AFTER_RECEIPT);
            assertThat(m.key()).isEqualTo("gone");
            assertThat(m.detail()).contains("message gone of kitchen was acknowledged as stored").contains(RAW + "-0@0");
        });
        assertThat(row(report).get(6)).isEqualTo("1");
    }

    @Test
    void aReceiptNamingAnotherRecordIsBadAndOneOlderThanTheRawTopicIsCountedNotListed() {
        long a = raw(0, "a", true);
        receipt("b", 0, a); // names a's record
        product("b");
        next.put(1, 1L); // retention has taken partition 1's first record
        logStart.put(1, 1L);
        raw(1, "newer", true);
        receipt("expired", 1, 0); // its raw record is gone, and the product has no record of it
        AuditReport report = compare();
        assertThat(report.mismatches).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(AuditReport.BAD_RECEIPT);
            assertThat(m.detail()).contains("the record of " + SourceHeaders.encode(message("a")));
        });
        assertThat(row(report)).containsExactly("BUS kitchen", "2", "1", "0", "0", "1", "0", "1", "NO");
    }

    /**
     * A bridge that crashes at random between its three steps (raw stored, receipt stored, bus ack), and a domain that
     * publishes the first copy of each id, loses some on purpose: the audit finds exactly the lost acknowledged ids.
     */
    @Test
    void randomCrashesAndRedeliveriesAgreeWithAModel() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            raw.clear();
            published.clear();
            letters.clear();
            receipts.clear();
            next.clear();
            read.clear();
            List<String> lost = new ArrayList<>();
            int acknowledged = 0;
            int messages = 1 + random.nextInt(30);
            for (int m = 0; m < messages; m++) {
                String id = "m" + m;
                int partition = random.nextInt(2);
                boolean inProduct = false;
                boolean receipted = false;
                boolean acked = false;
                boolean dropped = random.nextInt(20) == 0; // the platform loses it (what the audit must find)
                while (!acked) {
                    long offset = raw(partition, id, true);
                    if (!inProduct && !dropped) {
                        product(id);
                        inProduct = true;
                    }
                    if (random.nextInt(4) == 0) {
                        continue; // crashed before the receipt: redelivered
                    }
                    receipt(id, partition, offset);
                    receipted = true;
                    acked = random.nextInt(4) != 0; // else crashed before the bus's ack: redelivered
                }
                if (receipted) {
                    acknowledged++;
                }
                if (dropped) {
                    lost.add(id);
                }
            }
            AuditReport report = compare();
            assertThat(report.mismatches).as("seed %d round %d", seed, round).extracting(AuditReport.Mismatch::key)
                    .containsExactlyInAnyOrderElementsOf(lost);
            assertThat(report.mismatches).as("seed %d", seed).allMatch(m -> m.kind().equals(AuditReport.LOST_AFTER_RECEIPT));
            assertThat(row(report).get(1)).as("seed %d", seed).isEqualTo(String.valueOf(acknowledged));
            assertThat(row(report).get(2)).as("seed %d", seed).isEqualTo(String.valueOf(acknowledged - lost.size()));
        }
    }
}
