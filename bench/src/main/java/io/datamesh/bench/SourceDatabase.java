package io.datamesh.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

import io.datamesh.cdc.debezium.CaptureConfig;
import io.datamesh.cdc.debezium.CaptureGrants;
import io.datamesh.mariadb.embedded.EmbeddedMariaDb;

/**
 * The operational database of the CDC benches: the platform's private MariaDB (binlog on, as
 * {@code make run} starts it), one server for the whole run, shared by the benches that use it and
 * stopped when the last of them tears down. Each bench works in a database of its own with the orders
 * table of the demo's orders service and a capture user with exactly {@link CaptureGrants}' grants.
 */
final class SourceDatabase {

    /** The columns in the order of {@link #INSERT}'s parameters. */
    static final String INSERT = "INSERT INTO %s (id, pizzeria_id, customer_id, status, placed_at, total, updated_at)"
            + " VALUES (?, ?, ?, 'PLACED', ?, ?, ?)";
    private static final String CAPTURE_PASSWORD = "bench-cdc";
    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private static EmbeddedMariaDb server;
    private static int users;

    private SourceDatabase() {
    }

    /** The shared server, started by the first caller; every caller calls {@link #release()} once. */
    static synchronized EmbeddedMariaDb acquire() {
        if (server == null) {
            server = EmbeddedMariaDb.builder().build().start();
        }
        users++;
        return server;
    }

    static synchronized void release() {
        if (--users == 0 && server != null) {
            server.close();
            server = null;
        }
    }

    /** Creates {@code database} with the capture user {@code <database>_cdc}. */
    static void createDatabase(EmbeddedMariaDb db, String database) {
        db.createDatabase(database);
        db.createUser(database + "_cdc", CAPTURE_PASSWORD, CaptureGrants.grants(database).toArray(String[]::new));
    }

    /**
     * The capture file of {@code domain} over {@code database}'s {@code tables}, as {@code make run}
     * writes it (platform defaults for every timing), without its HTTP endpoint.
     */
    static CaptureConfig capture(EmbeddedMariaDb db, String bootstrap, String domain, String database, String tables) {
        Map<String, String> c = new HashMap<>();
        c.put(CaptureConfig.DOMAIN, domain);
        c.put(CaptureConfig.DATABASE, database);
        c.put(CaptureConfig.TABLES, tables);
        c.put(CaptureConfig.HOST, EmbeddedMariaDb.HOST);
        c.put(CaptureConfig.PORT, String.valueOf(db.port()));
        c.put(CaptureConfig.USER, database + "_cdc");
        c.put(CaptureConfig.PASSWORD, CAPTURE_PASSWORD);
        c.put(CaptureConfig.BOOTSTRAP_SERVERS, bootstrap);
        c.put(CaptureConfig.HTTP_PORT, "-1");
        return CaptureConfig.from(c);
    }

    /** A connection as the service's user would hold it: times in UTC. */
    static Connection connect(EmbeddedMariaDb db, String database) throws SQLException {
        Connection c = db.connect(database);
        try (Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
        return c;
    }

    /** A TIMESTAMP(3) literal in UTC. */
    static String sql(Instant t) {
        return SQL_TIME.format(t);
    }
}
