package io.datamesh.cdc.debezium;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The grants a capture's own database user needs on MariaDB 10.5.2 and later (10.11, 11.4), and
 * nothing more:
 * <ul>
 *   <li>{@code REPLICATION SLAVE ON *.*}: read the binlog as a replica;</li>
 *   <li>{@code BINLOG MONITOR ON *.*}: {@code SHOW MASTER STATUS} and {@code SHOW BINARY LOGS} (the
 *       snapshot's start position, the purge check, the headroom); MySQL and MariaDB before 10.5.2 call it
 *       {@code REPLICATION CLIENT}, which MariaDB keeps as an alias;</li>
 *   <li>{@code RELOAD ON *.*}: the snapshot's short {@code FLUSH TABLES WITH READ LOCK} while it reads the
 *       binlog position and the schema;</li>
 *   <li>{@code SELECT ON <database>.*}: the snapshots read the captured tables; only this database.</li>
 * </ul>
 * Replication and binlog monitoring are server-wide by nature; nothing grants writes. Incremental
 * snapshots run read-only (watermarks from GTIDs), so no signalling table needs INSERT.
 */
public final class CaptureGrants {

    /** The server-wide privileges, granted {@code ON *.*}. */
    public static final List<String> GLOBAL = List.of("REPLICATION SLAVE", "BINLOG MONITOR", "RELOAD");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");

    private CaptureGrants() {
    }

    /** The grants, as written after {@code GRANT} and before {@code TO}, for a capture of {@code database}. */
    public static List<String> grants(String database) {
        return List.of(String.join(", ", GLOBAL) + " ON *.*", "SELECT ON `" + checked(database, "database") + "`.*");
    }

    /** The statements that create (or update) the capture user {@code user}@'%' of {@code database}. */
    public static List<String> statements(String user, String password, String database) {
        String who = "'" + checked(user, "user") + "'@'%'";
        String pw = "'" + password.replace("\\", "\\\\").replace("'", "''") + "'";
        List<String> sql = new ArrayList<>();
        sql.add("CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY " + pw);
        sql.add("ALTER USER " + who + " IDENTIFIED BY " + pw);
        for (String grant : grants(database)) {
            sql.add("GRANT " + grant + " TO " + who);
        }
        return sql;
    }

    /**
     * Creates the capture user of {@code database} through {@code admin}, a connection of a user allowed
     * to create users and grant these privileges (root, in dev and tests).
     */
    public static void createUser(Connection admin, String user, String password, String database) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String sql : statements(user, password, database)) {
                s.execute(sql);
            }
        }
    }

    private static String checked(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name must be 1 to 64 letters, digits, '_' or '$', was '" + name + "'");
        }
        return name;
    }
}
