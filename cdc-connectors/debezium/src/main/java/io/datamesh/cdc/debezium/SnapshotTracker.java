package io.datamesh.cdc.debezium;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the snapshots of one capture for its status: the initial snapshot and each incremental
 * snapshot (by its id), from the snapshot reads Kafka acknowledged and from Debezium's notifications
 * about incremental snapshots (started, table done, completed, aborted). Row totals for a progress bar
 * are counted once per run, when first asked.
 *
 * <p>Debezium says an incremental snapshot completed as soon as it has queued its last reads, before
 * Kafka has them. A run is reported completed only once its reads are delivered too: when the reads
 * acknowledged reach the rows Debezium says it scanned, or when a record delivered after the run's own
 * records no longer carries the run's id in its offset (rows changed while their chunk was read are not
 * read twice, so the count alone may never be reached).
 */
final class SnapshotTracker {

    private static final Logger log = LoggerFactory.getLogger(SnapshotTracker.class);

    private final String database;
    private final List<String> tables;
    private Run initial;
    private final Map<String, Run> incremental = new LinkedHashMap<>();
    /** The incremental snapshot id in the last delivered record's offset, or null. */
    private String lastCorrelation;
    /** Runs whose id the delivered offsets carried and then stopped carrying: everything they queued is delivered. */
    private final Set<String> delivered = new HashSet<>();

    SnapshotTracker(String database, List<String> tables) {
        this.database = database;
        this.tables = List.copyOf(tables);
    }

    private static final class Run {
        final String id;
        List<String> tables;
        String state = "RUNNING";
        long rowsRead;
        long rowsTotal = -1;
        String currentTable;
        /** Debezium said the run completed; it is reported so once its reads are delivered. */
        boolean completedByDebezium;
        /** The rows Debezium says it scanned, table by table; -1 when one table's count was not said. */
        long rowsScanned;

        Run(String id, List<String> tables) {
            this.id = id;
            this.tables = tables;
        }

        CaptureStatus.SnapshotProgress progress() {
            return new CaptureStatus.SnapshotProgress(id, tables, state, rowsRead, rowsTotal, 0, currentTable);
        }
    }

    /** A snapshot read of {@code table} in {@code run} was acknowledged by Kafka. */
    synchronized void read(String run, String table) {
        Run r;
        if (RawRecords.INITIAL_RUN.equals(run)) {
            if (initial == null || !"RUNNING".equals(initial.state)) {
                initial = new Run(run, tables);
            }
            r = initial;
        } else {
            r = incremental.computeIfAbsent(run, id -> new Run(id, new ArrayList<>(List.of(table))));
        }
        r.rowsRead++;
        r.currentTable = table;
        settle(r);
    }

    /**
     * A record was delivered (acknowledged, or had nothing to send), in Debezium's order, its offset
     * carrying {@code correlation}: the id of the incremental snapshot running when it was queued, or null.
     */
    synchronized void passed(Object correlation) {
        String now = correlation == null ? null : correlation.toString();
        if (Objects.equals(now, lastCorrelation)) {
            return;
        }
        if (lastCorrelation != null) {
            delivered.add(lastCorrelation);
            Run r = incremental.get(lastCorrelation);
            if (r != null) {
                settle(r);
            }
        }
        lastCorrelation = now;
    }

    private void settle(Run r) {
        if (r.completedByDebezium && "RUNNING".equals(r.state)
                && (r.rowsScanned >= 0 && r.rowsRead >= r.rowsScanned || delivered.contains(r.id))) {
            r.state = "COMPLETED";
            r.currentTable = null;
            log.info("Incremental snapshot id={} COMPLETED and delivered: {} rows read, tables={}", r.id, r.rowsRead, r.tables);
        }
    }

    /** A change (not a snapshot read) was acknowledged: an initial snapshot before it is over. */
    synchronized void changed() {
        if (initial != null && "RUNNING".equals(initial.state)) {
            initial.state = "COMPLETED";
            initial.currentTable = null;
        }
    }

    /** Debezium says whether a snapshot runs and whether one completed (its metrics); closes the initial run. */
    synchronized void debeziumSnapshot(DebeziumJmx.Snapshot s) {
        if (initial != null && "RUNNING".equals(initial.state) && s.completed() && !s.running()
                && incremental.values().stream().noneMatch(r -> "RUNNING".equals(r.state))) {
            initial.state = "COMPLETED";
            initial.currentTable = null;
        }
    }

    /** A Debezium notification: the incremental snapshot it is about started, moved on, completed or was aborted. */
    synchronized void notified(DebeziumJmx.Notice n) {
        if (!"Incremental Snapshot".equals(n.aggregateType())) {
            return;
        }
        Run r = incremental.computeIfAbsent(n.id(), k -> new Run(k, new ArrayList<>()));
        String collections = n.data().get("data_collections");
        if (collections != null) {
            r.tables = Arrays.stream(collections.split(",")).map(this::table).filter(t -> !t.isEmpty()).toList();
        }
        switch (n.type()) {
            case "IN_PROGRESS" -> r.currentTable = table(n.data().getOrDefault("current_collection_in_progress", ""));
            case "TABLE_SCAN_COMPLETED" -> r.rowsScanned = scanned(r.rowsScanned, n.data().get("total_rows_scanned"));
            case "COMPLETED" -> {
                r.completedByDebezium = true;
                settle(r);
            }
            case "ABORTED" -> r.state = "ABORTED";
            default -> {
                // STARTED, PAUSED, RESUMED: the tables above say enough.
            }
        }
        log.debug("Incremental snapshot notification id={} type={} data={}", n.id(), n.type(), n.data());
        if (!"IN_PROGRESS".equals(n.type())) {
            log.info("Incremental snapshot id={} {} tables={}", n.id(), n.type(), r.tables);
        }
    }

    private static long scanned(long sum, String rows) {
        if (sum < 0 || rows == null) {
            return -1;
        }
        try {
            return sum + Long.parseLong(rows.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The initial snapshot's progress, or null when this process saw none. */
    synchronized CaptureStatus.SnapshotProgress initial(ToLongFunction<String> rowCount) {
        if (initial == null) {
            return null;
        }
        total(initial, rowCount);
        return initial.progress();
    }

    /** Each incremental snapshot's progress, oldest first. */
    synchronized List<CaptureStatus.SnapshotProgress> incremental(ToLongFunction<String> rowCount) {
        List<CaptureStatus.SnapshotProgress> out = new ArrayList<>();
        for (Run r : incremental.values()) {
            total(r, rowCount);
            out.add(r.progress());
        }
        return out;
    }

    /** Whether an incremental snapshot runs. */
    synchronized boolean incrementalRunning() {
        return incremental.values().stream().anyMatch(r -> "RUNNING".equals(r.state));
    }

    private void total(Run r, ToLongFunction<String> rowCount) {
        if (r.rowsTotal < 0 && !r.tables.isEmpty()) {
            try {
                long sum = 0;
                for (String t : r.tables) {
                    sum += rowCount.applyAsLong(t);
                }
                r.rowsTotal = sum;
            } catch (RuntimeException e) {
                log.debug("Cannot count the rows of snapshot {} yet: {}", r.id, e.getMessage());
            }
        }
    }

    /** {@code db.table} to {@code table}. */
    private String table(String qualified) {
        return qualified.startsWith(database + ".") ? qualified.substring(database.length() + 1) : qualified;
    }
}
