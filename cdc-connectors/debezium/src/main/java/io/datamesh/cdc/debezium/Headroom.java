package io.datamesh.cdc.debezium;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How far the oldest binlog the server still has lies behind the capture's stored offset: what a
 * purge (binlog expiry, {@code PURGE BINARY LOGS}) may remove before the capture can no longer
 * resume. Operators alert on it before a purge bites.
 *
 * @param bytes       bytes of binlog from the start of the oldest file to the stored position
 * @param files       binlog files older than the stored one
 * @param oldestFile  the oldest binlog file on the server
 * @param storedFile  the binlog file of the stored offset
 * @param available   whether the stored file is still on the server
 */
public record Headroom(long bytes, int files, String oldestFile, String storedFile, boolean available) {

    public Headroom {
        Objects.requireNonNull(oldestFile, "oldestFile");
        Objects.requireNonNull(storedFile, "storedFile");
    }

    /**
     * The headroom of a stored offset against the server's binlogs ({@code SHOW BINARY LOGS}, oldest
     * first, as file name and size).
     */
    static Headroom of(List<Map.Entry<String, Long>> binlogs, String storedFile, long storedPosition) {
        if (binlogs.isEmpty()) {
            return new Headroom(0, 0, "", storedFile, false);
        }
        long bytes = 0;
        for (int i = 0; i < binlogs.size(); i++) {
            Map.Entry<String, Long> b = binlogs.get(i);
            if (b.getKey().equals(storedFile)) {
                return new Headroom(bytes + storedPosition, i, binlogs.get(0).getKey(), storedFile, true);
            }
            bytes += b.getValue();
        }
        return new Headroom(0, 0, binlogs.get(0).getKey(), storedFile, false);
    }
}
