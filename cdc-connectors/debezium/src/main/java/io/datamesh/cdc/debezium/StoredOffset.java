package io.datamesh.cdc.debezium;

/**
 * Where a capture stands in Kafka, whether it runs or not: what {@code mesh cdc status} can print for a
 * stopped capture, and what a restart resumes from.
 *
 * @param epoch              re-snapshots on purpose so far
 * @param binlogFile         the binlog file of the stored offset, or null when nothing is stored
 * @param binlogPosition     the position in it a restart reads from (the start of the last transaction not wholly delivered)
 * @param gtids              the GTID set delivered, or null
 * @param snapshotUnfinished whether the initial snapshot had not finished (a restart reads it again)
 * @param historyRecords     records in the capture's schema history
 */
public record StoredOffset(int epoch, String binlogFile, long binlogPosition, String gtids, boolean snapshotUnfinished,
                           long historyRecords) {

    /** Whether anything is stored: false before the first start, and after {@link Capture#resnapshot}. */
    public boolean present() {
        return binlogFile != null;
    }
}
