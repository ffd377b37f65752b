package io.datamesh.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Debezium notifies that an incremental snapshot completed when it has queued the last reads, while
 * Kafka may not have them yet: the run is reported completed only once they are delivered. Random
 * interleavings of Debezium's side (reads and other records queued, notices) and the delivery side
 * (records acknowledged in queue order, any time after being queued), checked against what was
 * delivered at each step.
 */
class SnapshotTrackerTest {

    private static final String RUN = "i1-abcd";

    /** One record Debezium queued: a read of the run, or something else (a change, a heartbeat) with the id its offset carried. */
    private record Queued(boolean read, String correlation) {
    }

    @Test
    void aRunIsCompletedOnlyOnceEveryReadItQueuedIsDeliveredAndThenWithoutDelay() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int trial = 0; trial < 2_000; trial++) {
            int rows = random.nextInt(6);
            int skipped = rows == 0 ? 0 : random.nextInt(2) * random.nextInt(rows + 1); // changed while read: scanned, not read again
            boolean scanCountSaid = random.nextInt(4) > 0;
            boolean afterRecord = random.nextInt(4) > 0; // a heartbeat or change follows the run; with idle tables there may be none
            String context = "seed " + seed + " trial " + trial + " rows " + rows + " skipped " + skipped + " scanCountSaid " + scanCountSaid
                    + " afterRecord " + afterRecord;

            List<Queued> queue = new ArrayList<>();
            List<Runnable> source = new ArrayList<>(); // Debezium's side, in its order
            SnapshotTracker tracker = new SnapshotTracker("db", List.of("pizzas"));
            for (int i = 0; i < random.nextInt(3); i++) {
                source.add(() -> queue.add(new Queued(false, null)));
            }
            source.add(() -> tracker.notified(notice("STARTED", Map.of("data_collections", "db.pizzas"))));
            for (int i = 0; i < rows - skipped; i++) {
                if (random.nextBoolean()) {
                    source.add(() -> queue.add(new Queued(false, RUN)));
                }
                source.add(() -> queue.add(new Queued(true, RUN)));
            }
            source.add(() -> tracker.notified(notice("TABLE_SCAN_COMPLETED", scanCountSaid
                    ? Map.of("data_collections", "db.pizzas", "scanned_collection", "db.pizzas", "total_rows_scanned", String.valueOf(rows))
                    : Map.of("data_collections", "db.pizzas", "scanned_collection", "db.pizzas"))));
            source.add(() -> tracker.notified(notice("COMPLETED", Map.of("data_collections", "db.pizzas"))));
            if (afterRecord) {
                source.add(() -> queue.add(new Queued(false, null)));
            }

            int[] delivered = {0};
            int readsDelivered = 0;
            int next = 0;
            while (next < source.size() || delivered[0] < queue.size()) {
                boolean deliver = delivered[0] < queue.size() && (next == source.size() || random.nextBoolean());
                if (deliver) {
                    Queued q = queue.get(delivered[0]++);
                    if (q.read()) {
                        tracker.read(RUN, "pizzas");
                        readsDelivered++;
                    } else {
                        tracker.changed();
                    }
                    tracker.passed(q.correlation());
                } else {
                    source.get(next++).run();
                }
                CaptureStatus.SnapshotProgress p = progress(tracker);
                if (p != null && p.state().equals("COMPLETED")) {
                    assertThat(readsDelivered).as(context + ": completed with reads still on their way").isEqualTo(rows - skipped);
                    assertThat(p.rowsRead()).as(context).isEqualTo(rows - skipped);
                }
            }
            CaptureStatus.SnapshotProgress end = progress(tracker);
            boolean provable = skipped == 0 && scanCountSaid || afterRecord && rows - skipped > 0 || afterRecord && queueCarriedRun(queue);
            if (provable) {
                assertThat(end.state()).as(context + ": everything delivered").isEqualTo("COMPLETED");
            }
        }
    }

    @Test
    void anAbortedRunIsSaidAtOnce() {
        SnapshotTracker tracker = new SnapshotTracker("db", List.of("pizzas"));
        tracker.notified(notice("STARTED", Map.of("data_collections", "db.pizzas")));
        tracker.notified(notice("ABORTED", Map.of()));
        assertThat(progress(tracker).state()).isEqualTo("ABORTED");
    }

    private static boolean queueCarriedRun(List<Queued> queue) {
        return queue.stream().anyMatch(q -> RUN.equals(q.correlation()));
    }

    private static CaptureStatus.SnapshotProgress progress(SnapshotTracker tracker) {
        List<CaptureStatus.SnapshotProgress> runs = tracker.incremental(t -> 3);
        return runs.isEmpty() ? null : runs.get(0);
    }

    private static DebeziumJmx.Notice notice(String type, Map<String, String> data) {
        return new DebeziumJmx.Notice(RUN, "Incremental Snapshot", type, data);
    }
}
