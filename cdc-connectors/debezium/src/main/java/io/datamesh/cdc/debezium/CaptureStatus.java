package io.datamesh.cdc.debezium;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.datamesh.sources.SourcePosition;

/**
 * What a capture is doing, as {@code mesh cdc status} prints it and {@code /status} serves it (JSON).
 *
 * @param domain           the domain whose raw topics it fills
 * @param server           its logical server name
 * @param epoch            re-snapshots on purpose so far (the {@code @<epoch>} of its positions)
 * @param state            what it does now
 * @param since            when it entered that state
 * @param position         the source position of the last raw record Kafka acknowledged, or null
 * @param lastRecordedAt   the recordedAt (commit time) of that record, or null
 * @param lagMillis        Debezium's milliseconds behind the source (now minus the last event's binlog time), or null
 * @param headroom         how far the oldest binlog on the server lies behind the stored offset, or null before the first measure
 * @param recordsPerTable  raw records written since start, by table
 * @param snapshot         the initial snapshot, while this process has seen it run; null otherwise
 * @param incrementalSnapshots the incremental snapshots this process has seen, oldest first
 * @param error            why it stopped or retries, or null
 */
public record CaptureStatus(String domain, String server, int epoch, State state, Instant since, SourcePosition position,
                            Instant lastRecordedAt, Long lagMillis, Headroom headroom, Map<String, Long> recordsPerTable,
                            SnapshotProgress snapshot, List<SnapshotProgress> incrementalSnapshots, String error) {

    public CaptureStatus {
        recordsPerTable = Map.copyOf(recordsPerTable);
        incrementalSnapshots = List.copyOf(incrementalSnapshots);
    }

    /** A capture's states. */
    public enum State {
        /** Checking the database and Kafka, starting the engine. */
        STARTING,
        /** Reading the tables' rows (the initial snapshot) before it streams. */
        SNAPSHOTTING,
        /** Reading the binlog. */
        STREAMING,
        /** The database went away: retrying with backoff until it is back. */
        RECONNECTING,
        /** Stopped with an error that an operator must fix ({@link CaptureStatus#error()}). */
        FAILED,
        /** Stopped on request. */
        STOPPED
    }

    /**
     * A snapshot's progress: for a bar, {@code rowsRead} of {@code rowsTotal}.
     *
     * @param run          {@code initial}, or the incremental snapshot's id
     * @param tables       the tables it reads
     * @param state        {@code RUNNING}, {@code COMPLETED} or {@code ABORTED}
     * @param rowsRead     snapshot reads Kafka acknowledged for it so far
     * @param rowsTotal    rows in its tables when it was first asked about (COUNT), or -1 before that
     * @param percent      0 to 100, from the two counts; 100 once completed, at most 99 before
     * @param currentTable the table it reads now, or null
     */
    public record SnapshotProgress(String run, List<String> tables, String state, long rowsRead, long rowsTotal, int percent,
                                   String currentTable) {

        public SnapshotProgress {
            tables = List.copyOf(tables);
            if ("COMPLETED".equals(state)) {
                percent = 100;
            } else if (rowsTotal <= 0) {
                percent = 0;
            } else {
                percent = (int) Math.min(99, rowsRead * 100 / rowsTotal);
            }
        }
    }
}
