package io.datamesh.mariadb.embedded;

import java.util.Objects;

/**
 * One binary log file the server still has, as {@code SHOW BINARY LOGS} lists it.
 *
 * @param name file name, e.g. {@code mariadb-bin.000003}
 * @param size bytes written to it so far
 */
public record Binlog(String name, long size) {

    public Binlog {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("binlog " + name + " size must not be negative, was " + size);
        }
    }
}
