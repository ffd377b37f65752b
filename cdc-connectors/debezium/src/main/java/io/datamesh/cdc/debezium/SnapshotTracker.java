package io.datamesh.cdc.debezium;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the snapshots of one capture for its status: the initial snapshot and each incremental
 * snapshot (by its id), from the snapshot reads Kafka acknowledged and from Debezium's notifications
 * about incremental snapshots (started, table done, completed, aborted). Row totals for a progress bar
 * are counted once per run, when first asked.
 */
final class SnapshotTracker {

    private static final Logger log = LoggerFactory.getLogger(SnapshotTracker.class);

    private final String database;
    private final List<String> tables;
    private Run initial;
    private final Map<String, Run> incremental = new LinkedHashMap<>();

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
            case "COMPLETED" -> {
                r.state = "COMPLETED";
                r.currentTable = null;
            }
            case "ABORTED" -> r.state = "ABORTED";
            default -> {
                // STARTED, PAUSED, RESUMED, TABLE_SCAN_COMPLETED: the tables above say enough.
            }
        }
        log.debug("Incremental snapshot notification id={} type={} data={}", n.id(), n.type(), n.data());
        if (!"IN_PROGRESS".equals(n.type())) {
            log.info("Incremental snapshot id={} {} tables={}", n.id(), n.type(), r.tables);
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
